// The layout editor shows, per sort of node, only the settings its choice uses: the
// level for a heading, the columns for table rows, the lead sentence for a list. Without
// JavaScript every setting is shown, and those that do not apply are ignored.
(function () {
  "use strict";
  document.querySelectorAll("fieldset.layout-entry").forEach(function (entry) {
    var choice = entry.querySelector("select.display-choice");
    if (!choice) return;
    function update() {
      entry.querySelectorAll("[data-shown-for]").forEach(function (part) {
        part.hidden = part.dataset.shownFor.split(" ").indexOf(choice.value) < 0;
      });
    }
    choice.addEventListener("change", update);
    update();
  });
})();
