// On the gallery and the presentation a participant has no board to keep live, but the
// facilitator may still "bring everyone" somewhere: listen on the own team's room for that.
(function () {
  "use strict";
  const el = document.getElementById("room-follow");
  if (!el) return;
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + el.dataset.socket;
  function connect(delay) {
    const socket = new WebSocket(url);
    socket.addEventListener("open", () => { delay = 1000; });
    socket.addEventListener("message", (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "go" && frame.url && frame.url !== location.pathname) location.assign(frame.url);
    });
    socket.addEventListener("close", (event) => {
      if (event.code === 4403 || event.code === 4410) return; // removed, or the map is gone
      setTimeout(() => connect(Math.min(delay * 2, 30000)), Math.random() * delay);
    });
  }
  connect(1000);
})();
