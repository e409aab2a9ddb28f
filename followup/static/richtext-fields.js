// Every textarea.rich becomes a rich-text field that writes its HTML back on submit.
document.querySelectorAll("textarea.rich").forEach(function (textarea) {
  "use strict";
  var editor = window.followupRichText(textarea);
  if (editor) {
    textarea.form.addEventListener("submit", function () { textarea.value = editor.html(); });
    // Typing in the editor is typing in the form (unsaved.js).
    editor.quill.on("text-change", function (delta, old, source) {
      if (source === "user") textarea.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }
});
