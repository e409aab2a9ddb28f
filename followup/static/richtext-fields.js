// Every textarea.rich becomes a rich-text field that writes its HTML back on submit.
document.querySelectorAll("textarea.rich").forEach(function (textarea) {
  "use strict";
  var editor = window.followupRichText(textarea);
  if (editor) {
    textarea.form.addEventListener("submit", function () { textarea.value = editor.html(); });
  }
});
