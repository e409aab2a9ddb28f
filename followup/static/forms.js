// On every page: the browser's own validation messages in Swedish, whatever the
// browser's language; forms and PDF links that take a while say that they are working.
(function () {
  "use strict";

  // Swedish wording for the validity states the pages can meet.
  function message(field) {
    var v = field.validity;
    if (v.valueMissing) {
      if (field.type === "checkbox") return "Kryssa i rutan för att gå vidare.";
      if (field.type === "radio" || field.tagName === "SELECT") return "Välj ett av alternativen.";
      return "Fyll i det här fältet.";
    }
    if (v.typeMismatch && field.type === "email") return "Skriv en e-postadress, till exempel namn@kommun.se.";
    if (v.typeMismatch) return "Värdet har fel form.";
    if (v.patternMismatch) return field.getAttribute("data-pattern-message") || "Värdet har fel form.";
    if (v.tooShort) return "Skriv minst " + field.minLength + " tecken.";
    if (v.tooLong) return "Skriv högst " + field.maxLength + " tecken.";
    if (v.rangeUnderflow) return "Värdet måste vara minst " + field.min + ".";
    if (v.rangeOverflow) return "Värdet får vara högst " + field.max + ".";
    if (v.stepMismatch || v.badInput) return "Skriv ett tal.";
    return "";
  }

  document.addEventListener("invalid", function (event) {
    var field = event.target;
    field.setCustomValidity("");
    if (!field.validity.valid) field.setCustomValidity(message(field));
  }, true);
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (event.target.setCustomValidity) event.target.setCustomValidity("");
    }, true);
  });

  // A form with data-busy: its button is disabled and the text is shown while the
  // server works (signing renders the archival PDF).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var text = form.getAttribute("data-busy");
    if (!text || event.defaultPrevented) return;
    var status = form.querySelector(".busy-status");
    if (status) status.textContent = text;
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      // Disabled after the submit has been sent, so the button's value still goes along.
      setTimeout(function () { button.disabled = true; }, 0);
    });
    form.setAttribute("aria-busy", "true");
  });

  // A link a.pdf (with the download attribute, which works without JavaScript too):
  // fetched here so the page can say that the PDF is being made, then saved.
  var pdfStatus = document.getElementById("pdf-status");
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.pdf");
    if (!link || !pdfStatus || !window.fetch || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    link.setAttribute("aria-busy", "true");
    pdfStatus.textContent = "PDF:en skapas – det kan ta några sekunder …";
    fetch(link.href, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.blob();
    }).then(function (blob) {
      var url = URL.createObjectURL(blob);
      var save = document.createElement("a");
      save.href = url;
      save.download = link.getAttribute("download") || "";
      document.body.appendChild(save);
      save.click();
      save.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
      pdfStatus.textContent = "PDF:en är klar och sparas som " + save.download + ".";
    }).catch(function () {
      pdfStatus.textContent = "PDF:en kunde inte skapas. Försök igen om en stund.";
    }).then(function () {
      link.removeAttribute("aria-busy");
    });
  });
}());
