// Quill over a plain textarea: only what the HTML allowlist keeps (paragraphs,
// bold, italic, lists), labelled for screen readers. Without Quill the textarea stays.
window.followupRichText = function (textarea) {
  "use strict";
  if (!window.Quill) return null;
  var holder = document.createElement("div");
  holder.className = "rich-editor";
  textarea.parentNode.insertBefore(holder, textarea);
  var quill = new window.Quill(holder, {
    theme: "snow",
    formats: ["bold", "italic", "list"],
    modules: {
      toolbar: [["bold", "italic"], [{ list: "bullet" }, { list: "ordered" }]],
      keyboard: { bindings: { tab: { key: "Tab", handler: function () { return true; } } } }
    }
  });
  // Loaded without taking the focus: pasting would move the page to the last editor.
  quill.setContents(quill.clipboard.convert({ html: textarea.value || "" }), "silent");
  var label = document.querySelector("label[for='" + textarea.id + "']");
  if (label) {
    if (!label.id) label.id = textarea.id + "-label";
    quill.root.setAttribute("aria-labelledby", label.id);
    label.addEventListener("click", function () { quill.focus(); });
  }
  var hint = textarea.getAttribute("aria-describedby");
  if (hint) quill.root.setAttribute("aria-describedby", hint);
  quill.root.setAttribute("role", "textbox");
  quill.root.setAttribute("aria-multiline", "true");
  var names = { "ql-bold": "Fetstil", "ql-italic": "Kursiv" };
  holder.previousSibling.querySelectorAll("button").forEach(function (b) {
    var name = names[b.className] ||
      (b.value === "bullet" ? "Punktlista" : b.value === "ordered" ? "Numrerad lista" : b.className);
    b.setAttribute("aria-label", name);
    b.setAttribute("title", name);
  });
  textarea.hidden = true;
  return {
    quill: quill,
    html: function () {
      if (quill.getText().trim() === "") return "";
      // Quill 2 writes every space as &nbsp; in its semantic HTML.
      return quill.getSemanticHTML().replace(/&nbsp;/g, " ").replace(/\u00a0/g, " ");
    },
    setHtml: function (value) {
      quill.setContents(quill.clipboard.convert({ html: value || "" }), "api");
    }
  };
};
