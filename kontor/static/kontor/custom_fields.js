// Custom fields settings: drag a field to a new place and the order is saved at once. Without
// JavaScript the up/down buttons beside each field do the same, one step at a time.
(function () {
  "use strict";
  var list = document.querySelector("[data-custom-field-order]");
  if (!list) return;
  var dragged = null;
  function markEnds() {
    // The first field cannot move up and the last cannot move down, wherever dragging put them.
    var items = list.querySelectorAll("[data-field-id]");
    items.forEach(function (item, index) {
      var up = item.querySelector("button[value=up]");
      var down = item.querySelector("button[value=down]");
      if (up) up.disabled = index === 0;
      if (down) down.disabled = index === items.length - 1;
    });
  }
  function save() {
    markEnds();
    var body = new URLSearchParams();
    body.append("kind", list.getAttribute("data-kind"));
    list.querySelectorAll("[data-field-id]").forEach(function (item) {
      body.append("order", item.getAttribute("data-field-id"));
    });
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(list.getAttribute("data-custom-field-order"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.value : "", "HX-Request": "true"}
    }).then(function (response) {
      if (!response.ok) window.location.reload();
    });
  }
  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("[data-field-id]");
    if (dragged) {
      dragged.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
    }
  });
  list.addEventListener("dragover", function (event) {
    var over = event.target.closest("[data-field-id]");
    if (!dragged || !over || over === dragged) return;
    event.preventDefault();
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("is-dragging");
    dragged = null;
    save();
  });
})();
