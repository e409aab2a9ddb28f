// The table definition editor: show a formula's picker when the row or column is
// computed, a number field when "Ett tal" is picked, and the formula in words while
// picking. Without JavaScript the same happens on "Uppdatera".
(function () {
  "use strict";
  var form = document.getElementById("definition-form");
  if (!form) return;

  function toggleKind(select) {
    var formula = document.getElementById(select.dataset.formula);
    if (formula) formula.hidden = select.value !== "formula";
    var reported = select.dataset.reported && document.getElementById(select.dataset.reported);
    if (reported) reported.hidden = select.value === "values";
  }

  function words(formula) {
    var out = [];
    formula.querySelectorAll(".terms > select.op, .terms > .term").forEach(function (el) {
      if (el.classList.contains("op")) {
        out.push({ op: el.options[el.selectedIndex].text });
        return;
      }
      var choice = el.querySelector(".term-choice");
      var number = el.querySelector(".term-number");
      if (choice.value === "#") out.push({ term: number.value.trim() || "…" });
      else if (choice.value) out.push({ term: choice.options[choice.selectedIndex].text });
      else out.push({});
    });
    var text = [];
    out.forEach(function (part, k) {
      if (part.term === undefined) return;
      if (text.length && k > 0 && out[k - 1].op) text.push(out[k - 1].op);
      text.push(part.term);
    });
    return text.join(" ");
  }

  function refresh(formula) {
    if (!formula) return;
    formula.querySelectorAll(".term").forEach(function (term) {
      var choice = term.querySelector(".term-choice");
      term.querySelector(".term-number").hidden = choice.value !== "#";
    });
    var shown = formula.querySelector(".formula-words");
    if (shown && formula.querySelector(".terms")) {
      var text = words(formula);
      shown.textContent = text ? "= " + text : "";
    }
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.classList.contains("kind")) toggleKind(target);
    refresh(target.closest(".formula"));
  });
  form.addEventListener("input", function (event) {
    if (event.target.classList.contains("term-number")) refresh(event.target.closest(".formula"));
  });
})();
