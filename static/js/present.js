// Presentation: the arrow keys (and a presenter's clicker, which sends them) step through
// the teams.
(function () {
  "use strict";
  document.addEventListener("keydown", (event) => {
    if (event.target.closest && event.target.closest("input, textarea, select")) return;
    const rel = { ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev" }[event.key];
    const link = rel && document.querySelector(`.present-nav a[rel=${rel}]`);
    if (link) link.click();
  });
})();
