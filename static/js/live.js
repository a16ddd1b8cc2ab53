// Live board: applies what others change, in order, and catches up from the database
// whenever a push may have been missed (the channel layer delivers at most once).
//
// Server frames: push {seq, html, by} · resync {seq} · presence {event, member} · pong · error.
// Pushes are applied strictly in sequence order; a gap that does not fill within GAP_WAIT,
// a reconnect, or a quiet spell longer than QUIET re-reads the board (GET …/live/?since=seq).
(function () {
  "use strict";
  const root = document.querySelector("[data-live-socket]");
  if (!root || !window.WebSocket) return;
  // The protocol's names, from the page (workshops/protocol.py): no copies here.
  const PROTOCOL = JSON.parse(document.body.dataset.protocol);

  const GAP_WAIT = 1500, PING_EVERY = 25000, DEAD_AFTER = 60000, QUIET = 30000;
  const MAX_BACKOFF = 30000;
  const socketUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + root.dataset.liveSocket;
  const snapshotUrl = root.dataset.liveSnapshot;
  let seq = Number(root.dataset.liveSeq || 0);
  let socket = null, attempts = 0, lastHeard = Date.now(), lastChecked = Date.now();
  let pending = new Map(), gapTimer = null, syncing = null, editingSent;
  const members = new Map();

  function setStatus(state) {
    root.dataset.liveState = state;
    const badge = document.getElementById("live-status");
    if (badge) {
      badge.dataset.state = state;
      badge.textContent = badge.dataset["label" + state[0].toUpperCase() + state.slice(1)] || state;
    }
  }

  function apply(html) {
    htmx.swap(document.body, onlyWhatIsHere(html), { swapStyle: "none" });
    renderMarkers();
  }

  // A push carries every part of the board that changed; a page that shows only some of
  // them takes those (htmx would log an error for each part with nowhere to go).
  function onlyWhatIsHere(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    for (const part of template.content.querySelectorAll(":scope > [hx-swap-oob]")) {
      const spec = part.getAttribute("hx-swap-oob");
      const colon = spec.indexOf(":");
      const target = colon >= 0 ? document.querySelector(spec.slice(colon + 1))
        : part.id && document.getElementById(part.id);
      if (!target) part.remove();
    }
    return template.innerHTML;
  }

  function drain() {
    while (pending.has(seq + 1)) {
      const frame = pending.get(seq + 1);
      pending.delete(seq + 1);
      apply(frame.html);
      seq = frame.seq;
    }
    for (const key of pending.keys()) if (key <= seq) pending.delete(key);
    clearTimeout(gapTimer);
    gapTimer = pending.size ? setTimeout(resync, GAP_WAIT) : null;
  }

  function onPush(frame) {
    if (frame.seq <= seq) return; // already shown (own edit, or covered by a resync)
    pending.set(frame.seq, frame);
    drain();
  }

  // Bring the board up to date from the database. One request at a time.
  function resync() {
    if (syncing) return syncing;
    lastChecked = Date.now();
    syncing = fetch(snapshotUrl + "?since=" + seq, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then((response) => {
        if (response.status === 204) return null;
        if (response.status === 410) { removed(); return null; }
        if (!response.ok) throw new Error("snapshot " + response.status);
        const newSeq = Number(response.headers.get(PROTOCOL.seqHeader));
        return response.text().then((html) => {
          if (newSeq > seq) { apply(html); seq = newSeq; }
        });
      })
      .then(() => drain())
      .catch(() => setTimeout(resync, 3000))
      .finally(() => { syncing = null; });
    return syncing;
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  function connect() {
    setStatus(attempts ? "reconnecting" : "connecting");
    socket = new WebSocket(socketUrl);
    socket.onopen = () => {
      const wasAway = attempts > 0;
      attempts = 0;
      refusals = 0;
      lastHeard = Date.now();
      setStatus("live");
      editingSent = undefined;
      reportEditing();
      if (wasAway) resync(); // whatever happened while we were away
    };
    socket.onmessage = (event) => {
      lastHeard = Date.now();
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "push") onPush(frame);
      // A change shown only by re-reading (seq), or pushes lost on the server (no seq).
      else if (frame.type === "resync") { if (frame.seq == null || frame.seq > seq) resync(); }
      else if (frame.type === "presence") onPresence(frame);
      else if (frame.type === "welcome") me = frame.member.id;
      else if (frame.type === "go") goTo(frame.url);
      // The server's link to the others (Redis) is down: say so, and re-read on our own.
      else if (frame.type === "paused") { layerAway = true; setStatus("paused"); }
      else if (frame.type === "resumed") { layerAway = false; setStatus("live"); resync(); }
    };
    socket.onclose = (event) => {
      socket = null;
      if (event.code === 4410) { setStatus("closed"); return; } // the map is gone
      if (event.code === 4403) { stillAllowed(); return; }
      attempts++;
      setStatus("reconnecting");
      // Full jitter: spread 300 laptops reconnecting after a server restart.
      const ceiling = Math.min(MAX_BACKOFF, 1000 * 2 ** Math.min(attempts, 5));
      setTimeout(connect, Math.random() * ceiling);
    };
  }

  // The socket says access ended. It may have ended for the session this socket opened with
  // only: the browser's session id changes when it gains rights (joining, a read-only link),
  // and the socket knew the old one. Ask over HTTP, with the cookie as it is now; the board
  // answers 200/204 while this person may still read it (401 or 404 otherwise).
  let refusals = 0;
  // The facilitator removed this person (the map itself answers 410 then): the page that says
  // so, instead of a board that silently stops.
  function removed() {
    setStatus("closed");
    location.reload();
  }

  function stillAllowed() {
    if (++refusals > 3) { setStatus("closed"); return; }
    fetch(snapshotUrl + "?since=" + seq, { headers: { "HX-Request": "true" }, credentials: "same-origin", redirect: "manual" })
      .then((response) => {
        if (response.status === 200 || response.status === 204) { attempts = 1; connect(); }
        else if (response.status === 410) removed();
        else setStatus("closed");
      })
      .catch(() => setStatus("closed"));
  }

  setInterval(() => {
    const now = Date.now();
    if (socket && socket.readyState === WebSocket.OPEN) {
      if (now - lastHeard > DEAD_AFTER) { socket.close(); return; } // half-open: start over
      send({ type: "ping" });
    }
    const paused = root.dataset.liveState === "paused";
    if (paused || now - lastChecked > QUIET) resync(); // cheap: 204 when nothing changed
  }, PING_EVERY);

  // Presence ---------------------------------------------------------------------------------

  // The server's hub for this room says who is here when the socket opens (roster), then
  // at most once a second what changed (batch: join, here, leave). It also forgets members
  // whose server went away, so the page keeps no timers of its own.
  function onPresence(frame) {
    if (frame.event === "roster") {
      members.clear();
      for (const member of frame.members) members.set(member.id, member);
    } else if (frame.event === "batch") {
      for (const change of frame.events) {
        if (change.event === "leave") members.delete(change.member.id);
        else members.set(change.member.id, change.member);
      }
    }
    renderPresence();
    renderMarkers();
  }

  function renderPresence() {
    const list = document.getElementById("presence");
    if (!list) return;
    const people = new Map(); // one entry per person, however many tabs they have open
    for (const member of members.values()) people.set(member.user, member);
    list.replaceChildren(...[...people.values()].map((member) => {
      const item = document.createElement("li");
      item.className = "member c" + member.colour;
      item.textContent = member.name;
      return item;
    }));
  }

  function renderMarkers() {
    document.querySelectorAll(".editing-by").forEach((marker) => marker.remove());
    for (const member of members.values()) {
      if (member.card == null || member.id === myId()) continue;
      const card = document.getElementById("card-" + member.card);
      if (!card) continue;
      const marker = document.createElement("span");
      marker.className = "editing-by c" + member.colour;
      marker.textContent = (root.dataset.labelEditing || "%s").replace("%s", member.name);
      card.prepend(marker);
    }
  }

  let me = null;
  function myId() { return me; }

  function reportEditing() {
    const editor = document.querySelector("form[data-card]");
    const card = editor ? Number(editor.dataset.card) : null;
    if (card !== editingSent) { editingSent = card; send({ type: "editing", card: card }); }
  }
  document.addEventListener("htmx:afterSettle", reportEditing);
  document.addEventListener("htmx:afterSettle", renderMarkers);

  // The answer to one's own edit is that edit's push too (its sequence number in a header):
  // its fragments go through the same in-order queue, so a slow answer never undoes a newer push.
  const PUSH_MARK = PROTOCOL.pushMark;
  function cutPush(event) {
    if (event.detail.pushCut) return;
    event.detail.pushCut = true;
    const seqHeader = event.detail.xhr.getResponseHeader(PROTOCOL.seqHeader);
    const body = event.detail.serverResponse;
    if (!seqHeader || typeof body !== "string" || body.indexOf(PUSH_MARK) < 0) return;
    const cut = body.indexOf(PUSH_MARK);
    event.detail.serverResponse = body.slice(0, cut);
    onPush({ seq: Number(seqHeader), html: body.slice(cut + PUSH_MARK.length) });
  }
  document.addEventListener("htmx:beforeSwap", cutPush);
  // The same edit's push often comes through the socket first and replaces the button that
  // sent it; htmx's events on a detached element never reach the document, and htmx would
  // then look for the answer's parts inside the detached piece (oobErrorNoTarget). So each
  // request's own element listens too.
  document.addEventListener("htmx:beforeRequest", (event) => {
    event.detail.elt.addEventListener("htmx:beforeSwap", cutPush, { once: true });
  });

  // Keep what people are typing ---------------------------------------------------------------
  // A push that replaces a region must not destroy an open editor or a half-written card in it:
  // the incoming twin (same id) is marked hx-preserve, so htmx keeps the element on screen.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt.closest && event.detail.elt.closest("[data-editor]");
    if (form) form.dataset.saving = "1";
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt.closest && event.detail.elt.closest("[data-editor]");
    if (form) delete form.dataset.saving;
  });
  function isOpen(element) {
    return element.matches("[data-editor], details[open][id]") && !element.dataset.saving;
  }
  document.addEventListener("htmx:oobBeforeSwap", (event) => {
    const { target, fragment } = event.detail;
    if (isOpen(target)) {
      // The pushed part is the editor itself: leave it; a save checks the card's version.
      event.detail.shouldSwap = false;
      return;
    }
    for (const element of target.querySelectorAll("[data-editor], details[open][id]")) {
      if (!isOpen(element)) continue; // its own answer replaces it
      const twin = fragment.querySelector("#" + CSS.escape(element.id));
      if (!twin) continue;
      twin.setAttribute("hx-preserve", "true");
      // htmx keeps the element with moveBefore where the browser has it (Chromium does, and
      // focus survives); elsewhere the move takes the focus and caret from the editor (and
      // with it Esc and Ctrl+Enter): give both back after the swap.
      const active = document.activeElement;
      if (active && element.contains(active)) {
        focusKept = { element: active, start: active.selectionStart, end: active.selectionEnd };
      }
    }
  });
  let focusKept = null;
  document.addEventListener("htmx:oobAfterSwap", () => {
    if (!focusKept) return;
    const { element, start, end } = focusKept;
    focusKept = null;
    if (!document.contains(element) || document.activeElement === element) return;
    element.focus({ preventScroll: true });
    if (typeof start === "number") {
      try { element.setSelectionRange(start, end); } catch (error) { /* not a text field */ }
    }
  });

  // Edits that could not be sent stay on screen, marked, with a retry.
  function markUnsent(form, text) {
    const old = form.querySelector(".unsent");
    if (old) old.remove();
    const note = document.createElement("p");
    note.className = "unsent";
    note.setAttribute("role", "alert");
    note.textContent = text;
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "small";
    retry.textContent = root.dataset.labelRetry || "Retry";
    retry.addEventListener("click", () => { note.remove(); form.requestSubmit(); });
    note.append(" ", retry);
    form.append(note);
    return note;
  }
  document.addEventListener("htmx:sendError", (event) => {
    const form = event.detail.elt.closest && event.detail.elt.closest("form");
    if (form && !form.querySelector(".unsent")) markUnsent(form, root.dataset.labelUnsent || "Not saved.");
  });
  // The server is up but its database is not (503): not saved, and sent again by itself
  // after the Retry-After pause, a few times, then left to the retry button. The form keeps
  // its client_token, so however many times it goes, it lands once.
  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    const form = event.detail.elt.closest && event.detail.elt.closest("form");
    if (xhr.status !== 503 || !form) return;
    const tries = Number(form.dataset.retries || 0);
    const note = markUnsent(form, xhr.responseText || root.dataset.labelUnsent || "Not saved.");
    if (tries >= 10) return;
    form.dataset.retries = String(tries + 1);
    const wait = Math.min(30, Number(xhr.getResponseHeader("Retry-After")) || 3) * 1000;
    setTimeout(() => { if (document.contains(note)) { note.remove(); form.requestSubmit(); } }, wait);
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt.closest && event.detail.elt.closest("form");
    if (form && event.detail.successful) delete form.dataset.retries;
  });

  // "Bring everyone here" from the facilitator's console moves participants only.
  function goTo(url) {
    const moves = document.body.classList.contains("role-participant") || document.body.classList.contains("role-guest");
    if (moves && typeof url === "string" && url.startsWith("/") && location.pathname !== url) location.assign(url);
  }

  // The browser knows at once when the network is gone; the socket may look open for a
  // minute more (TCP notices late). Say so now, and back online re-read what was missed.
  let layerAway = false;
  window.addEventListener("offline", () => setStatus("reconnecting"));
  window.addEventListener("online", () => {
    if (socket && socket.readyState === WebSocket.OPEN) {
      setStatus(layerAway ? "paused" : "live");
      resync();
    }
  });

  connect();
  window.journeymapLive = { seq: () => seq, resync, members, socket: () => socket };
})();
