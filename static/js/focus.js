// Reading aids (step 3 of the workshop): "read down a stage" dims every stage but one,
// "read across a lane" every lane but one, with a prompt saying what to look for.
// The choice lives in a <style> element of its own, so pushes that replace the board's
// parts keep it. ←/→ move to the next stage or lane; Esc ends it.
(function () {
  "use strict";
  const aid = document.getElementById("reading-aid");
  if (!aid) return;
  const style = document.createElement("style");
  document.head.appendChild(style);
  const nav = aid.querySelector(".focus-nav");
  const nameEl = aid.querySelector(".focus-name");
  const prompt = aid.querySelector(".focus-prompt");
  let mode = null;
  let index = 0;

  function targets() {
    if (mode === "stage") {
      return Array.from(document.querySelectorAll("#board-grid .stage-column")).map((column) => ({
        name: column.querySelector(".stage-header h2").textContent.trim(),
        rule: `#board-grid .stage-column:not(#${column.id}) { opacity: .22; }`,
        element: column,
      }));
    }
    return Array.from(document.querySelectorAll("#board-grid .lane-labels .lane-label")).map((label) => {
      const lane = Array.from(label.classList).find((c) => c.startsWith("lane-"));
      return {
        name: label.textContent.trim(),
        rule: `#board-grid .cell:not(.${lane}), #board-grid .lane-label:not(.${lane}) { opacity: .22; }`,
        element: label,
      };
    });
  }

  function show() {
    const list = targets();
    if (!mode || !list.length) return stop();
    index = (index + list.length) % list.length;
    const target = list[index];
    style.textContent = target.rule + " #board-grid * { transition: opacity .2s; }";
    nameEl.textContent = `${target.name} (${index + 1}/${list.length})`;
    prompt.textContent = prompt.dataset[mode].replace("%s", target.name);
    nav.hidden = prompt.hidden = false;
    aid.querySelectorAll("[data-focus]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.focus === mode)));
    if (mode === "stage") target.element.scrollIntoView({ block: "nearest", inline: "center", behavior: "smooth" });
  }

  function stop() {
    mode = null;
    style.textContent = "";
    nav.hidden = prompt.hidden = true;
    aid.querySelectorAll("[data-focus]").forEach((b) => b.setAttribute("aria-pressed", "false"));
  }

  aid.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.focus) {
      if (mode === button.dataset.focus) return stop();
      mode = button.dataset.focus;
      index = 0;
      show();
    } else if (button.dataset.focusStep) {
      index += Number(button.dataset.focusStep);
      show();
    } else if (button.hasAttribute("data-focus-off")) {
      stop();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (!mode || event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "Escape") stop();
    else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      if (event.target.closest(".card")) return; // a card's own arrow keys move the card
      index += event.key === "ArrowRight" ? 1 : -1;
      show();
      event.preventDefault();
    }
  });
  // A push that adds or removes a stage: keep the focus on a stage that exists.
  document.addEventListener("htmx:oobAfterSwap", () => { if (mode) show(); });
})();
