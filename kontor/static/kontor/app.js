// Small islands of behaviour where hypermedia alone falls short. Everything works without it.
(function () {
  "use strict";
  // "/" focuses the search field, as in most web apps, unless the user is typing somewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var field = document.getElementById("quicksearch");
    if (field) { event.preventDefault(); field.focus(); }
  });
  // Ctrl/Cmd+Enter in a note field saves the note.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.matches("textarea[data-submit-on-ctrl-enter]")) {
      event.preventDefault();
      event.target.form.requestSubmit();
    }
  });
  // Lists of repeatable rows (phones, addresses, ...): "Add" clones the hidden template row.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (!button) return;
    event.preventDefault();
    var group = document.getElementById(button.dataset.addRow);
    var template = group && group.querySelector("template");
    if (!template) return;
    var total = group.querySelector("input[name$='-TOTAL_FORMS']");
    var index = total ? parseInt(total.value, 10) : 0;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    template.insertAdjacentHTML("beforebegin", html);
    if (total) total.value = String(index + 1);
  });
})();
