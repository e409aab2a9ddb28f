// The memo editor's pages have several forms, each saved by its own button: leaving the
// page, by a link or by saving another of its forms, asks first while typed text is not
// saved. The browser says it in its own words.
(function () {
  "use strict";
  var changed = new Set();
  var saving = null;

  function note(event) {
    var form = event.target.form;
    if (form && form.method === "post") changed.add(form);
  }
  document.addEventListener("input", note, true);
  document.addEventListener("change", note, true);
  document.addEventListener("submit", function (event) { saving = event.target; }, true);
  window.addEventListener("beforeunload", function (event) {
    var unsaved = Array.from(changed).some(function (form) {
      return form !== saving && form.isConnected;
    });
    saving = null;  // asked and stayed: the next submit says again which form it is
    if (unsaved) { event.preventDefault(); event.returnValue = ""; }
  });
}());
