// A card's buttons, filled in from the board's <template>s (maps/card_tools.html) rather than
// sent with each of hundreds of cards: the tools when a card is pointed at or focused, the dot
// buttons on every card of the lane being voted on. And drag and drop of cards (the tools'
// buttons do the same by keyboard).
(function () {
  "use strict";

  function copyOf(id, card) {
    const template = document.getElementById(id);
    if (!template) return null;  // a reader's board: no tools
    const holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replaceAll("__CARD__", card.dataset.url);
    return holder;
  }

  function equip(card) {
    if (!card.dataset.url || card.querySelector(":scope > .card-actions")) return;
    const copy = copyOf("card-tools", card);
    if (!copy) return;
    const tools = copy.firstElementChild;
    if (!card.classList.contains("lane-touchpoint")) tools.querySelector(".figures-edit").remove();
    let menu = tools.querySelector(".lane-move");
    if (card.dataset.lane === "unsorted") {
      // Not yet in a stage: one menu of every cell instead of the lane menu and ◀ ▶.
      tools.querySelectorAll('[hx-vals*="left"], [hx-vals*="right"]').forEach((b) => b.remove());
      const place = copyOf("card-place", card);
      const cells = place ? place.firstElementChild : document.createElement("span");
      menu.replaceWith(cells);
      menu = cells;
    } else {
      menu.querySelector(`option[value="${card.dataset.lane}"]`)?.remove();
    }
    // A refused move (a touchpoint with emotion cards) leaves the menu as it was.
    menu.addEventListener("htmx:afterRequest", () => { menu.value = ""; });
    const stub = card.querySelector(":scope > .card-tools");
    if (stub) stub.replaceWith(tools); else card.appendChild(tools);
    htmx.process(tools);
  }
  const onCard = (event) => {
    const card = event.target.closest && event.target.closest(".card[data-url]");
    if (card) equip(card);
  };
  document.addEventListener("pointerover", onCard);
  document.addEventListener("focusin", onCard);

  // The room bar says which lane is being voted on (data-vote); it comes again with each push.
  function addDots(root) {
    const bar = document.getElementById("room-bar");
    const lane = bar && bar.dataset.vote;
    if (!lane) return;
    const cards = root.querySelectorAll(`.card.lane-${lane}[data-url]`);
    (root.matches && root.matches(`.card.lane-${lane}[data-url]`) ? [root, ...cards] : cards).forEach((card) => {
      const place = card.querySelector(":scope > .dot-vote");
      if (!place || place.querySelector(".dot-add")) return;
      const copy = copyOf("card-dots", card);
      if (!copy) return;
      const buttons = [...copy.children];
      place.append(...buttons);
      buttons.forEach((button) => htmx.process(button));
    });
  }
  document.addEventListener("htmx:load", (event) => {
    addDots(event.target.id === "room-bar" ? document : event.target);
  });
  addDots(document);

  // Drag and drop: a card may move to any cell, of its own lane or another (the server refuses
  // a lane that cannot hold what hangs from the card, and says what).
  let dragged = null;
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".card[draggable=true]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
  });
  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    document.querySelectorAll(".drop-target").forEach((el) => el.classList.remove("drop-target"));
    dragged = null;
  });
  function cellFor(event) {
    const cell = event.target.closest && event.target.closest(".cell[data-lane]");
    return dragged && cell ? cell : null;
  }
  document.addEventListener("dragover", (event) => {
    const cell = cellFor(event);
    if (!cell) return;
    event.preventDefault();
    document.querySelectorAll(".drop-target").forEach((el) => el !== cell && el.classList.remove("drop-target"));
    cell.classList.add("drop-target");
  });
  document.addEventListener("drop", (event) => {
    const cell = cellFor(event);
    if (!cell) return;
    event.preventDefault();
    const others = [...cell.querySelectorAll(".card:not(.private-mirror)")].filter((c) => c !== dragged);
    // Before the first card below the pointer (in the unsorted area, whose cards sit side by
    // side: or beside it, left of its middle).
    const sideBySide = cell.dataset.lane === "unsorted";
    const before = (box) => sideBySide
      ? event.clientY < box.top || (event.clientY < box.bottom && event.clientX < box.left + box.width / 2)
      : event.clientY < box.top + box.height / 2;
    let position = others.findIndex((c) => before(c.getBoundingClientRect()));
    if (position < 0) position = others.length;
    htmx.ajax("POST", dragged.dataset.url + "move/", {
      source: dragged,
      target: dragged,
      swap: "none",
      values: { stage: cell.dataset.stage, position: position, lane: cell.dataset.lane },
    });
  });
})();
