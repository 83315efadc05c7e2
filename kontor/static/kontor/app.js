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
  // Quick search: arrow keys walk the suggestions htmx put under the field, Enter opens the chosen
  // one (without a choice, Enter submits the form to the full results), Escape closes the list.
  function quicksearchOptions() {
    var box = document.getElementById("quicksearch-results");
    return box ? Array.prototype.slice.call(box.querySelectorAll("[data-suggestion]")) : [];
  }
  function quicksearchSelect(field, options, index) {
    options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
    if (index >= 0) field.setAttribute("aria-activedescendant", options[index].id);
    else field.removeAttribute("aria-activedescendant");
  }
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (!field || field.id !== "quicksearch") return;
    var options = quicksearchOptions();
    var current = options.findIndex(function (option) { return option.getAttribute("aria-selected") === "true"; });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      // -1 is the field itself: walking past either end comes back to it.
      var next = current + (event.key === "ArrowDown" ? 1 : -1);
      if (next >= options.length) next = -1;
      if (next < -1) next = options.length - 1;
      quicksearchSelect(field, options, next);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      window.location.href = options[current].href;
    } else if (event.key === "Escape") {
      document.getElementById("quicksearch-results").innerHTML = "";
      field.setAttribute("aria-expanded", "false");
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "quicksearch-results") return;
    var field = document.getElementById("quicksearch");
    if (field) field.setAttribute("aria-expanded", quicksearchOptions().length ? "true" : "false");
  });
  document.addEventListener("click", function (event) {
    var box = document.getElementById("quicksearch-results");
    if (box && !event.target.closest(".quicksearch")) box.innerHTML = "";
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
  // Copy buttons (data-copy names the field: an API key, the calendar or dropbox address, a web
  // form's snippet). Without JavaScript, or without clipboard access, the field is selected instead.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    var done = function () {
      var label = button.textContent;
      button.textContent = button.dataset.copied || label;
      setTimeout(function () { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
    } else {
      field.select();
      if (document.execCommand("copy")) done();
    }
  });
  // A plain form with data-confirm asks before it is sent (htmx requests use hx-confirm). This
  // replaces onsubmit attributes, which the Content-Security-Policy does not run.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  // Typing in a position's company field raises "company-name-input", which the positions fieldset
  // listens for (hx-trigger) to suggest companies. An hx-trigger filter would do it in the markup,
  // but htmx evaluates filters with eval, which the Content-Security-Policy forbids.
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field && typeof field.name === "string" && /company_name$/.test(field.name)) {
      field.dispatchEvent(new CustomEvent("company-name-input", {bubbles: true}));
    }
  });
})();
