// The agenda clock: counts down from the server's figure (data-seconds-left, rendered with the
// room bar or the projector's poll) on this screen's own monotonic clock, so screens with wrong
// system clocks still agree. Each new room bar (a push, a resync, a console action, a poll)
// restarts from the server.
(function () {
  "use strict";
  let shown = null, base = 0, since = 0;

  function format(seconds) {
    const sign = seconds < 0 ? "+" : "";
    const abs = Math.abs(seconds);
    return sign + Math.floor(abs / 60) + ":" + String(abs % 60).padStart(2, "0");
  }

  function tick() {
    const clock = document.querySelector(".clock[data-seconds-left]");
    if (!clock) return;
    if (clock !== shown) {
      shown = clock;
      base = Number(clock.dataset.secondsLeft);
      since = performance.now();
    }
    if (!clock.hasAttribute("data-running")) return;
    const left = base - Math.floor((performance.now() - since) / 1000);
    const time = clock.querySelector(".clock-time");
    const text = format(left);
    if (time.textContent !== text) time.textContent = text;
    clock.classList.toggle("over", left < 0);
  }

  setInterval(tick, 250);
  document.addEventListener("htmx:afterSettle", tick);
  tick();
})();
