// Presentation: the arrow keys (and a presenter's clicker, which sends them) step through the
// teams; the map is zoomed as a whole to fit the screen's width (+ − 0 change it, kept while
// stepping through teams); F or the button goes full screen.
(function () {
  "use strict";
  const stage = document.getElementById("present-stage");
  const KEY = "journeymap-present-zoom";
  const PHONE = window.matchMedia("(max-width: 600px)"); // the board's one-stage layout
  let step = Number(sessionStorage.getItem(KEY) || 0); // steps of 10 % from "fit"

  // "Fit": the map's title and grid fill the screen's height, as long as every stage column
  // still gets its least width (15.5rem, the lane labels 7.5rem); + and − go from there.
  function fit() {
    if (!stage) return;
    stage.style.zoom = 1;
    if (PHONE.matches) return; // a phone reads the map as its board: one stage at a time
    const grid = document.getElementById("board-grid");
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    const columns = grid ? grid.querySelectorAll(".stage-column").length : 4;
    // The grid at its narrowest, as laid out (gaps, padding, a long word), not only by rule:
    // a phone scrolled sideways by the difference.
    let narrowest = 0;
    if (grid) {
      grid.style.width = "min-content";
      narrowest = grid.getBoundingClientRect().width;
      grid.style.width = "";
    }
    const least = Math.max((7.5 + 15.5 * Math.max(columns, 1)) * rem, narrowest);
    const width = document.documentElement.clientWidth - 48;
    const top = stage.getBoundingClientRect().top;
    const bottom = grid ? grid.getBoundingClientRect().bottom : stage.getBoundingClientRect().bottom;
    const byHeight = (window.innerHeight - top - 12) / Math.max(bottom - top, 1);
    const fitted = Math.max(0.3, Math.min(1.8, byHeight, width / least));
    stage.style.zoom = Math.max(0.2, fitted * (1 + step / 10)).toFixed(3);
  }

  function zoom(change) {
    step = change === 0 ? 0 : Math.max(-7, Math.min(10, step + change));
    sessionStorage.setItem(KEY, String(step));
    fit();
  }

  function fullScreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(() => {});
  }

  document.addEventListener("keydown", (event) => {
    if (event.target.closest && event.target.closest("input, textarea, select")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const rel = { ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev" }[event.key];
    const link = rel && document.querySelector(`.present-nav a[rel=${rel}]`);
    if (link) { link.click(); return; }
    if (event.key === "f" || event.key === "F") fullScreen();
    else if (event.key === "+" || event.key === "=") zoom(1);
    else if (event.key === "-") zoom(-1);
    else if (event.key === "0") zoom(0);
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-zoom], [data-present-full]");
    if (!button) return;
    if (button.hasAttribute("data-present-full")) fullScreen();
    else zoom(Number(button.dataset.zoom));
  });
  window.addEventListener("resize", fit);
  document.addEventListener("fullscreenchange", fit);
  fit();
})();
