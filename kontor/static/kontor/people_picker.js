// The contact persons of a deal or project form: htmx redraws the people on offer as the company
// or the search changes, from the ticks sent with the request. A tick made while that request was
// under way must not be undone by its answer: the ticks on the page when the answer arrives win.
(function () {
  "use strict";
  var before = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var list = event.detail.target;
    if (!list || list.id !== "people-choices") return;
    before = {};
    list.querySelectorAll("input[name=people]").forEach(function (box) {
      before[box.value] = {checked: box.checked, item: box.closest("li")};
    });
  });
  document.addEventListener("htmx:afterSwap", function () {
    var list = document.getElementById("people-choices");
    if (!before || !list) return;
    var kept = before;
    before = null;
    var seen = {};
    list.querySelectorAll("input[name=people]").forEach(function (box) {
      seen[box.value] = true;
      if (kept[box.value]) box.checked = kept[box.value].checked;
    });
    var items = list.querySelector("ul");
    Object.keys(kept).forEach(function (value) {
      if (seen[value] || !kept[value].checked || !kept[value].item) return;
      if (!items) { items = document.createElement("ul"); items.className = "checkbox-list"; list.prepend(items); }
      items.prepend(kept[value].item);
    });
  });
})();
