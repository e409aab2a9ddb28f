// The review board: a checkbox that selects every entry that can be approved. It is
// hidden until this script runs, since without JavaScript it could do nothing.
(function () {
  "use strict";
  document.querySelectorAll("input.select-all").forEach(function (all) {
    var form = all.form;
    var name = all.getAttribute("data-select");
    function boxes() { return form.querySelectorAll("input[type=checkbox][name=" + name + "]"); }
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
