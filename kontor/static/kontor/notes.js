// The note and comment fields. A note field grows with its text, so a long meeting report is
// written on one sheet, not in a slot. Typing "@" suggests colleagues to mention: the arrow keys
// walk the list, Enter or Tab puts the chosen name in (as the server reads mentions back),
// Escape closes it. Without JavaScript both are plain text fields, and "@Name" still notifies.
(function () {
  "use strict";

  function grow(field) {
    // "auto" first, so that deleting text shrinks the field again.
    field.style.height = "auto";
    field.style.height = (field.scrollHeight + field.offsetHeight - field.clientHeight) + "px";
  }
  function growAll(root) {
    root.querySelectorAll("textarea[data-grow]").forEach(function (field) { if (field.value) grow(field); });
  }
  document.addEventListener("DOMContentLoaded", function () { growAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { growAll(event.target); });
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-grow]")) grow(event.target);
  });

  // "@" at the start of a word, and what follows it up to the caret: the name typed so far.
  var TOKEN = /(^|[^\p{L}\p{N}_.@-])@([\p{L}\p{N}_.-]{0,30})$/u;
  var open = null;  // {field, list, start}: the list that is showing, if any
  var asked = 0;    // numbers the requests, so that a slow answer cannot overwrite a newer one
  var timer = null;

  function close() {
    if (!open) return;
    open.list.remove();
    open.field.setAttribute("aria-expanded", "false");
    open.field.removeAttribute("aria-activedescendant");
    open = null;
    asked += 1;
  }
  function options() {
    return open ? Array.prototype.slice.call(open.list.querySelectorAll("[role=option]")) : [];
  }
  function choose(index) {
    var all = options();
    all.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
    if (!all[index]) return;
    open.field.setAttribute("aria-activedescendant", all[index].id);
    all[index].scrollIntoView({block: "nearest"});
  }
  function listUnder(field) {
    var list = document.createElement("ul");
    list.className = "mention-list";
    list.id = field.id + "-mentions";
    list.setAttribute("role", "listbox");
    if (field.dataset.mentionsLabel) list.setAttribute("aria-label", field.dataset.mentionsLabel);
    field.insertAdjacentElement("afterend", list);
    field.setAttribute("aria-controls", list.id);
    field.setAttribute("aria-autocomplete", "list");
    return list;
  }
  function suggest(field) {
    var before = field.selectionStart === field.selectionEnd ? field.value.slice(0, field.selectionStart) : "";
    var match = TOKEN.exec(before);
    if (!match) { close(); return; }
    if (!open || open.field !== field || !open.list.isConnected) {
      close();
      open = {field: field, list: listUnder(field)};
    }
    open.start = before.length - match[2].length - 1;
    var number = ++asked;
    var url = field.dataset.mentions + "?q=" + encodeURIComponent(match[2]);
    fetch(url, {headers: {"HX-Request": "true"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (number !== asked || !open || open.field !== field) return;
        open.list.innerHTML = html;
        field.setAttribute("aria-expanded", "true");
        if (options().length) choose(0);
      }, close);
  }
  function insert(option) {
    var field = open.field;
    field.setRangeText(option.dataset.mention + " ", open.start, field.selectionStart, "end");
    close();
    field.focus();
    field.dispatchEvent(new Event("input", {bubbles: true}));
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("textarea[data-mentions]")) return;
    clearTimeout(timer);
    timer = setTimeout(function () { suggest(field); }, 80);
  });
  // In the capture phase: Enter and Escape mean the list while it shows, before anything else
  // (saving with Ctrl+Enter, closing a dialog) sees them.
  document.addEventListener("keydown", function (event) {
    if (!open || event.target !== open.field) return;
    var all = options();
    var current = all.findIndex(function (option) { return option.getAttribute("aria-selected") === "true"; });
    var plain = !(event.ctrlKey || event.metaKey || event.altKey || event.shiftKey);
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && all.length) {
      event.preventDefault();
      choose((current + (event.key === "ArrowDown" ? 1 : -1) + all.length) % all.length);
    } else if ((event.key === "Enter" || event.key === "Tab") && plain && current >= 0) {
      event.preventDefault();
      event.stopPropagation();
      insert(all[current]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  }, true);
  // mousedown, not click: the field keeps its focus (and its caret) while a name is picked.
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest(".mention-list [role=option]");
    if (!option || !open) return;
    event.preventDefault();
    insert(option);
  });
  document.addEventListener("focusout", function (event) {
    if (open && event.target === open.field) close();
  });
})();
