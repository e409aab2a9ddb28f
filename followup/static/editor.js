// The follow-up editor: a rich-text editor over the plain textarea (which keeps
// working without JavaScript), a periodic draft save, a warning before leaving
// with unsaved text, and copying in the previous phase's follow-up.
(function () {
  "use strict";
  var form = document.getElementById("followup-form");
  if (!form) return;
  var textarea = form.querySelector("textarea[name=comment]");
  var status = document.getElementById("autosave-status");
  var versionInput = form.querySelector("input[name=version]");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var dirty = false;
  var saving = false;
  var stopped = false;
  var AUTOSAVE_MS = 20000;

  function say(text) { status.textContent = text; }
  function markDirty() { dirty = true; }

  var rich = window.followupRichText ? window.followupRichText(textarea) : null;
  var quill = rich && rich.quill;

  function html() { return rich ? rich.html() : textarea.value; }

  function sync() { textarea.value = html(); }

  if (quill) {
    quill.on("text-change", function (delta, old, source) {
      if (source === "user") markDirty();
    });
  } else {
    textarea.addEventListener("input", markDirty);
  }
  form.querySelectorAll("input[name=level]").forEach(function (r) {
    r.addEventListener("change", markDirty);
  });

  form.addEventListener("submit", function () { sync(); dirty = false; stopped = true; });

  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  function autosave() {
    if (!dirty || saving || stopped) return;
    sync();
    saving = true;
    dirty = false;
    var body = new FormData(form);
    fetch(form.dataset.autosaveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, status: response.status, data: data }; });
    }).then(function (r) {
      saving = false;
      if (r.ok) {
        versionInput.value = r.data.version;
        say("Utkastet sparades automatiskt " + r.data.saved_at + ".");
      } else {
        dirty = true;
        stopped = true;
        say(r.status === 409
          ? "Någon annan har ändrat uppföljningen. Klicka på Spara utkast för att jämföra och sammanfoga; din text finns kvar här."
          : (r.data.error || "Utkastet kunde inte sparas automatiskt.") + " Din text finns kvar här.");
      }
    }).catch(function () {
      saving = false;
      dirty = true;
      say("Utkastet kunde inte sparas automatiskt (ingen anslutning). Din text finns kvar här; försöker igen.");
    });
  }
  window.setInterval(autosave, AUTOSAVE_MS);
  // Tests and impatient users can ask for a save now.
  form.addEventListener("followup:autosave", autosave);

  var copy = document.getElementById("copy-previous");
  var previous = document.getElementById("previous-data");
  if (copy && previous) {
    copy.addEventListener("click", function (event) {
      event.preventDefault();
      var previousHtml = previous.innerHTML;
      if (rich) {
        rich.setHtml(previousHtml);
      } else {
        textarea.value = previousHtml;
      }
      var level = previous.dataset.level;
      var radio = form.querySelector("input[name=level][value='" + (level || "") + "']");
      if (radio) radio.checked = true;
      markDirty();
      say("Förra fasens uppföljning är inkopierad. Glöm inte att spara.");
    });
  }
})();
