// The projector's and the console's chime: a short tone when a running step's time reaches
// zero, and when every team is done ("다 했어요"). Off until someone turns it on here, since
// browsers let a page make sound only after a click; the choice is kept in this browser.
(function () {
  "use strict";
  const KEY = "journeymap-chime";
  let audio = null;

  function on() { return localStorage.getItem(KEY) === "on"; }

  function tone() {
    if (!audio || !on()) return;
    const now = audio.currentTime;
    [0, 0.35].forEach((delay, i) => {
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = i ? 880 : 660;
      gain.gain.setValueAtTime(0.0001, now + delay);
      gain.gain.exponentialRampToValueAtTime(0.3, now + delay + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + delay + 0.6);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + delay);
      osc.stop(now + delay + 0.65);
    });
    document.body.dataset.chimed = String(Number(document.body.dataset.chimed || 0) + 1);
  }

  function showToggle() {
    document.querySelectorAll("[data-chime-toggle]").forEach((button) => {
      button.setAttribute("aria-pressed", String(on()));
      button.textContent = on() ? button.dataset.labelOn : button.dataset.labelOff;
    });
  }

  document.addEventListener("click", (event) => {
    const toggle = event.target.closest && event.target.closest("[data-chime-toggle]");
    if (toggle) {
      localStorage.setItem(KEY, on() ? "off" : "on");
      if (on() && !audio) audio = new AudioContext();
      showToggle();
      return;
    }
    const full = event.target.closest && event.target.closest("[data-fullscreen]");
    if (full) {
      const target = document.querySelector(full.dataset.fullscreen);
      if (document.fullscreenElement) document.exitFullscreen();
      else if (target && target.requestFullscreen) target.requestFullscreen().catch(() => {});
    }
  });
  // A page opened with the chime already on still needs one click before it may sound.
  document.addEventListener("pointerdown", () => { if (on() && !audio) audio = new AudioContext(); }, { once: true });

  // Zero and "all done" are noticed as changes, so a page opened after them stays quiet.
  let wasOver = null, wasReady = null;
  function watch() {
    const clock = document.querySelector(".clock[data-seconds-left]");
    const over = !!clock && clock.hasAttribute("data-running") && clock.classList.contains("over");
    if (wasOver === false && over) tone();
    wasOver = over;
    const ready = !!document.querySelector("[data-all-ready]");
    if (wasReady === false && ready) tone();
    wasReady = ready;
  }
  setInterval(watch, 500);
  showToggle();
  watch();
})();
