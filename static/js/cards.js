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
    if (!card.classList.contains("lane-opportunity")) tools.querySelector(".score-edit").remove();
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
    tools.querySelector(".card-pick").setAttribute("aria-pressed", String(picked.includes(card.id)));
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

  // Merging duplicates: cards are chosen with their ⧉ button (the first chosen stays), the
  // bar at the bottom merges them. The choice is this page's alone and survives pushes.
  let picked = [];
  const bar = document.getElementById("merge-bar");
  function showPicked() {
    picked = picked.filter((id) => document.getElementById(id));
    document.querySelectorAll(".card.picked").forEach((c) => c.classList.remove("picked"));
    picked.forEach((id, i) => {
      const card = document.getElementById(id);
      card.classList.add("picked");
      card.dataset.pickOrder = String(i + 1);
      card.querySelector(".card-pick")?.setAttribute("aria-pressed", "true");
    });
    if (!bar) return;
    bar.hidden = picked.length < 2;
    bar.querySelector(".merge-count").textContent = bar.dataset.chosen.replace("%s", picked.length);
  }
  function unpickAll() {
    picked = [];
    document.querySelectorAll(".card-pick[aria-pressed=true]").forEach((b) => b.setAttribute("aria-pressed", "false"));
    showPicked();
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(".card-pick");
    if (!button) return;
    const card = button.closest(".card");
    const at = picked.indexOf(card.id);
    if (at < 0) picked.push(card.id); else picked.splice(at, 1);
    button.setAttribute("aria-pressed", String(at < 0));
    showPicked();
  });
  document.addEventListener("htmx:afterSettle", showPicked);
  if (bar) {
    bar.querySelector("[data-merge]").addEventListener("click", () => {
      const cards = picked.map((id) => id.replace("card-", ""));
      htmx.ajax("POST", bar.dataset.url, { source: bar, swap: "none", values: { cards: cards } })
        .then(() => unpickAll());
    });
    bar.querySelector("[data-merge-cancel]").addEventListener("click", unpickAll);
  }

  // Undo: after one's own delete, move or merge the answer offers it (HX-Trigger "jm-undo",
  // workshops/views/answers.py): a toast with a button, and Ctrl+Z outside a text field for
  // as long as the server keeps it (two minutes).
  let lastUndo = null;
  function takeBack(offer, toast) {
    if (toast) toast.remove();
    if (lastUndo === offer) lastUndo = null;
    htmx.ajax("POST", offer.url, { source: document.body, swap: "none" });
  }
  document.body.addEventListener("jm-undo", (event) => {
    const offer = { ...event.detail, until: Date.now() + 115000 };
    lastUndo = offer;
    const box = document.getElementById("toasts");
    if (!box) return;
    box.querySelectorAll(".toast.undo").forEach((old) => old.remove());
    const toast = document.createElement("div");
    toast.className = "toast undo";
    toast.setAttribute("role", "status");
    const words = document.createElement("span");
    words.textContent = offer.label + " ";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "small";
    button.textContent = offer.button + " (Ctrl+Z)";
    button.addEventListener("click", () => takeBack(offer, toast));
    toast.append(words, button);
    box.appendChild(toast);
    setTimeout(() => toast.remove(), 10000);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && picked.length && !event.target.closest("form")) unpickAll();
    if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "z" || event.shiftKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (!lastUndo || Date.now() > lastUndo.until) return;
    event.preventDefault();
    takeBack(lastUndo, document.querySelector("#toasts .toast.undo"));
  });

  // "Turn into a plan" in the value-for-effort ranking: the opportunity's plan form, opened
  // and written with the opportunity's words, for the team to finish (owner, date).
  // With several ticked, each one's form opens and the first takes the focus.
  function openPlan(cardId, words, focus) {
    const stub = document.getElementById("plan-add-" + cardId);
    if (!stub) return;
    stub.open = true;
    setTimeout(() => {
      const holder = document.getElementById("plan-add-" + cardId);
      const what = holder && holder.querySelector("[name=what]");
      if (!what) return;
      if (!what.value) what.value = words;
      if (!focus) return;
      holder.scrollIntoView({ block: "center" });
      what.focus();
    }, 50);
  }
  document.addEventListener("click", (event) => {
    const one = event.target.closest && event.target.closest("[data-plan-for]");
    if (one) openPlan(one.dataset.planFor, one.dataset.what, true);
    const many = event.target.closest && event.target.closest("[data-plans-for-picked]");
    if (!many) return;
    const ticked = [...document.querySelectorAll("#priorities [data-plan-pick]:checked")];
    ticked.forEach((box, i) => openPlan(box.dataset.planPick, box.dataset.what, i === 0));
  });
})();
