// Live figures in the table grid: the server computes formula rows (one evaluator,
// no eval in the browser) and says which cells cannot be read.
(function () {
  "use strict";
  var form = document.getElementById("grid-form");
  if (!form) return;
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var timer = null;
  var dirty = false;

  function apply(data) {
    Object.keys(data.computed).forEach(function (name) {
      var out = document.getElementById("o-" + name);
      var note = document.getElementById("n-" + name);
      if (out) out.textContent = (out.textContent.indexOf("beräknat") === 0 ? "beräknat " : "") + data.computed[name].text;
      if (note) note.textContent = data.computed[name].note || "";
    });
    form.querySelectorAll("input[name^='c-']").forEach(function (input) {
      var name = input.name.slice(2);
      var message = data.errors[name];
      var error = document.getElementById("e-" + name);
      if (message) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", "e-" + name);
        error.textContent = message;
        error.hidden = false;
      } else {
        input.removeAttribute("aria-invalid");
        error.hidden = true;
      }
    });
  }

  function compute() {
    fetch(form.dataset.computeUrl, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (data) apply(data);
    });
  }

  form.addEventListener("input", function (event) {
    if (!event.target.name || event.target.name.indexOf("c-") !== 0) return;
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(compute, 300);
  });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();
