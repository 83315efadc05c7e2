// Files: drop files onto an upload form, or choose them, and they upload at once (through htmx
// when it is there, as a plain form post otherwise). Without JavaScript the form's own file
// field and Upload button do the same.
(function () {
  "use strict";
  function uploadForm(node) {
    return node && node.closest ? node.closest("form[data-file-upload]") : null;
  }
  function send(form) {
    var input = form.querySelector("[data-file-input]");
    if (!input || !input.files || !input.files.length) return;
    form.classList.add("is-uploading");
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }
  document.addEventListener("change", function (event) {
    var form = uploadForm(event.target);
    if (form && event.target.matches("[data-file-input]")) send(form);
  });
  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var form = uploadForm(event.target);
      if (!form || !event.dataTransfer || Array.prototype.indexOf.call(event.dataTransfer.types, "Files") < 0) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
      form.classList.add("is-dragover");
    });
  });
  document.addEventListener("dragleave", function (event) {
    var form = uploadForm(event.target);
    if (form && !form.contains(event.relatedTarget)) form.classList.remove("is-dragover");
  });
  document.addEventListener("drop", function (event) {
    var form = uploadForm(event.target);
    if (!form || !event.dataTransfer || !event.dataTransfer.files.length) return;
    event.preventDefault();
    form.classList.remove("is-dragover");
    form.querySelector("[data-file-input]").files = event.dataTransfer.files;
    send(form);
  });
  // With this script running, uploads start on choosing: the Upload button is not needed.
  document.documentElement.classList.add("files-js");
})();
