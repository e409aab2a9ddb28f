// The table grid: live figures (the server computes formula rows and columns: one
// evaluator, no eval in the browser), messages on cells that cannot be read, and
// a block of cells pasted from Excel spread over the grid from the focused cell.
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
      if (out) out.textContent = (out.dataset.prefix || "") + data.computed[name].text;
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
        input.removeAttribute("aria-describedby");
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

  function changed() {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(compute, 300);
  }

  // Excel puts a tab between cells and a line break after each row.
  function paste(event) {
    var input = event.target;
    var match = /^c-(\d+)-(\d+)$/.exec(input.name || "");
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (!match || !/[\t\n]/.test(text.replace(/\r?\n$/, ""))) return;
    event.preventDefault();
    var row = Number(match[1]), column = Number(match[2]);
    var lines = text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
    var placed = 0, outside = 0;
    lines.forEach(function (line, r) {
      line.split("\t").forEach(function (value, c) {
        var target = document.getElementById("c-" + (row + r) + "-" + (column + c));
        if (target) {
          target.value = value.trim();
          target.closest("td").classList.add("imported");
          placed += 1;
        } else if (value.trim()) {
          outside += 1;
        }
      });
    });
    var status = document.getElementById("paste-status");
    if (status) {
      status.textContent = placed + (placed === 1 ? " värde klistrades in" : " värden klistrades in") +
        (outside ? "; " + outside + " hamnade utanför tabellens inmatningsrutor och lästes inte in" : "") +
        ". Inget är sparat ännu.";
    }
    changed();
  }

  form.addEventListener("input", function (event) {
    if (event.target.name && event.target.name.indexOf("c-") === 0) changed();
  });
  form.addEventListener("paste", paste);
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();
