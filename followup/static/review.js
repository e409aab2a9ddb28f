// The review board: a checkbox that selects every entry that can be approved, the
// follow-ups and the control results alike (data-select names their fields, separated
// by spaces). It is hidden until this script runs, since without JavaScript it could do
// nothing.
(function () {
  "use strict";
  document.querySelectorAll("input.select-all").forEach(function (all) {
    var form = all.form;
    var selector = all.getAttribute("data-select").split(/\s+/).filter(Boolean)
      .map(function (name) { return "input[type=checkbox][name=" + name + "]"; }).join(", ");
    function boxes() { return form.querySelectorAll(selector); }
    if (!boxes().length) return;
    all.hidden = false;
    all.nextElementSibling.classList.remove("visually-hidden");
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
    });
    form.addEventListener("change", function (event) {
      if (event.target === all) return;
      var list = Array.prototype.slice.call(boxes());
      var checked = list.filter(function (box) { return box.checked; }).length;
      all.checked = checked === list.length;
      all.indeterminate = checked > 0 && checked < list.length;
    });
  });
}());
