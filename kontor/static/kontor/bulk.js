// The lists' bulk bar (kontor/templates/records/_bulk_bar.html). Without it the bar still works as a
// plain form: tick rows, choose an action, Apply.
(function () {
  "use strict";

  function bar() {
    return document.querySelector("[data-bulk-bar]");
  }

  function picks() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-bulk-pick]"));
  }

  // Shows the fields the chosen action needs (tags, a colleague, days, a format) and no others.
  function showFields() {
    var found = bar();
    if (!found) return;
    var action = found.querySelector("[data-bulk-action]").value;
    found.querySelectorAll("[data-bulk-for]").forEach(function (field) {
      field.hidden = field.getAttribute("data-bulk-for").split(" ").indexOf(action) === -1;
    });
  }

  function showCount() {
    var found = bar();
    if (!found) return;
    var ticked = picks().filter(function (box) { return box.checked; }).length;
    var scope = found.querySelector("[data-bulk-scope]");
    found.classList.toggle("is-active", ticked > 0 || (scope && scope.checked));
    var count = found.querySelector("[data-bulk-count]");
    count.textContent = ticked ? ticked + " " + count.getAttribute("data-text") : "";
    var all = found.querySelector("[data-bulk-all]");
    if (all) all.checked = ticked > 0 && ticked === picks().length;
  }

  // The checkboxes sit inside the list's filter form, which reloads the list on every input: the
  // bar's inputs belong to the bulk form instead (form="bulk-form"), so their events stop before
  // they reach it.
  // So do the saved views' fields in the side column: whatever belongs to another form than the
  // one around it.
  function handle(event) {
    var target = event.target;
    if (!(target instanceof HTMLElement) || !target.form) return;
    var around = target.parentElement && target.parentElement.closest("form");
    if (around && target.form !== around) event.stopPropagation();
    if (event.type !== "change" || target.form.id !== "bulk-form") return;
    if (target.hasAttribute("data-bulk-all")) {
      picks().forEach(function (box) { box.checked = target.checked; });
    }
    if (target.hasAttribute("data-bulk-action")) showFields();
    showCount();
  }

  document.addEventListener("input", handle, true);
  document.addEventListener("change", handle, true);
  // Enter in the tags field applies the action rather than the list's filters.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target instanceof HTMLInputElement && event.target.form &&
        (event.target.form.id === "bulk-form" || event.target.form.id === "saved-view-form")) {
      event.preventDefault();
      event.stopPropagation();
      event.target.form.requestSubmit();
    }
  }, true);
  document.addEventListener("DOMContentLoaded", function () { showFields(); showCount(); });
  // The bar stays put while htmx swaps the list under it: it takes the list's new query string
  // (pushed into the address bar) for "all matching the filter" and for the way back.
  document.addEventListener("htmx:pushedIntoHistory", function () {
    var found = bar();
    if (!found) return;
    found.querySelector("[name=query]").value = window.location.search.replace(/^\?/, "");
    found.querySelector("[name=next]").value = window.location.pathname + window.location.search;
  });
  document.addEventListener("htmx:afterSettle", function () { showFields(); showCount(); });
})();
