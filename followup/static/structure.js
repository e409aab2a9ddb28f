// The plan's structure with JavaScript: a form opens in place without reloading the
// page, so what is open in the tree stays open, and the whole tree opens or folds at
// once. Without JavaScript the same links load the page with the form in place.
(function () {
  "use strict";
  var tree = document.getElementById("trad");
  if (!tree || !window.fetch || !window.DOMParser) return;

  function nodeDetails(root) {
    return root.querySelectorAll("li.node > details");
  }

  // The tree as the server renders it for the link, with what was open here still open.
  function swap(url) {
    var kept = [];
    nodeDetails(tree).forEach(function (details) {
      if (details.open) kept.push(details.parentNode.id);
    });
    return fetch(url, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    }).then(function (text) {
      var fresh = new DOMParser().parseFromString(text, "text/html").getElementById("trad");
      if (!fresh) throw new Error("Sidan saknar trädet.");
      fresh = document.importNode(fresh, true);
      kept.forEach(function (id) {
        var item = fresh.querySelector("#" + CSS.escape(id));
        if (item && item.firstElementChild) item.firstElementChild.open = true;
      });
      tree.replaceWith(fresh);
      tree = fresh;
      var field = tree.querySelector(".node-form [autofocus]");
      var hash = decodeURIComponent(url.split("#")[1] || "");
      var target = hash && document.getElementById(hash);
      if (field) {
        field.focus();
        field.closest("form").scrollIntoView({block: "nearest"});
      } else if (target) {
        var summary = target.querySelector("summary") || target;
        summary.focus();
        target.scrollIntoView({block: "nearest"});
      }
    });
  }

  document.addEventListener("click", function (event) {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    var link = event.target.closest && event.target.closest("#trad a[data-swap], #trad a[data-tree]");
    if (!link) return;
    event.preventDefault();
    var mode = link.getAttribute("data-tree");
    if (mode) {
      nodeDetails(tree).forEach(function (details) { details.open = mode === "open"; });
      return;
    }
    link.setAttribute("aria-busy", "true");
    swap(link.href).catch(function () {
      window.location.href = link.href;
    });
  });
}());
