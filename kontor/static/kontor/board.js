// The deals board: drag a card onto another column to move the deal there. Dropping only fills in
// the card's own "Move" form (its state select) and submits it, so a drag does exactly what the
// keyboard does with the select and the button, through htmx, with the version check. Without
// this script the forms still work as plain posts.
(function () {
  "use strict";
  var dragged = null;
  var moved = null;

  function column(node) {
    return node && node.closest ? node.closest(".board-column[data-stage]") : null;
  }
  document.addEventListener("dragstart", function (event) {
    var card = event.target && event.target.closest ? event.target.closest(".board-card[data-deal]") : null;
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-deal"));
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    document.querySelectorAll(".board-column.is-target").forEach(function (node) { node.classList.remove("is-target"); });
  });
  document.addEventListener("dragover", function (event) {
    var target = column(event.target);
    if (!dragged || !target) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".board-column.is-target").forEach(function (node) {
      if (node !== target) node.classList.remove("is-target");
    });
    target.classList.add("is-target");
  });
  document.addEventListener("drop", function (event) {
    var target = column(event.target);
    if (!dragged || !target) return;
    event.preventDefault();
    var card = dragged;
    var select = card.querySelector("[data-board-stage]");
    var stage = target.getAttribute("data-stage");
    if (!select || column(card) === target) return;
    select.value = stage;
    target.querySelector(".board-cards").appendChild(card);  // where it lands while the server answers
    var form = select.form;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });
  // On a phone the filters would fill the first screen: fold them unless some are set.
  var filters = document.querySelector(".board-filter-box");
  if (filters && !filters.hasAttribute("data-filtered") && window.matchMedia("(max-width: 640px)").matches) {
    filters.open = false;
  }
  // After a move the board is drawn afresh: keyboard users keep their place on the moved card.
  document.addEventListener("submit", function (event) {
    var card = event.target.closest ? event.target.closest(".board-card[data-deal]") : null;
    moved = card ? card.getAttribute("data-deal") : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (!moved) return;
    var select = document.querySelector(".board-card[data-deal='" + moved + "'] [data-board-stage]");
    moved = null;
    if (select) select.focus({preventScroll: false});
  });
})();
