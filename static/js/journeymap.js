// The little JavaScript journeymap needs beyond htmx: feedback on failed requests,
// keyboard shortcuts in editors, add forms that load when opened, drafts kept in the browser.
// A card's buttons and drag and drop: cards.js.
(function () {
  "use strict";
  const body = document.body;
  document.documentElement.classList.add("js");

  function toast(text) {
    const box = document.getElementById("toasts");
    if (!box || !text) return;
    const item = document.createElement("div");
    item.className = "toast";
    item.textContent = text;
    box.appendChild(item);
    setTimeout(() => item.remove(), 6000);
  }

  // Add forms that came in a push carry no client_token (one token shared by the whole room
  // would make everyone's adds look like resends of the first): this browser makes its own
  // before the form is sent, and a retry resends the same one. getRandomValues, because
  // randomUUID needs https and workshops often run on a plain http address in an office.
  function newToken() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  const tokenField = body.dataset.protocol ? JSON.parse(body.dataset.protocol).tokenField : null;
  document.addEventListener("submit", (event) => {
    const field = tokenField && event.target.querySelector && event.target.querySelector(`input[name="${tokenField}"]`);
    if (field && !field.value) field.value = newToken();
  }, true);

  // A thin progress bar while any request is under way.
  // Counted on the request itself: the element that sent it may be swapped away before htmx's
  // afterRequest event, which then never reaches the document.
  let pending = 0;
  document.addEventListener("htmx:beforeRequest", (event) => {
    pending++;
    body.classList.add("busy");
    event.detail.xhr.addEventListener("loadend", () => {
      pending = Math.max(0, pending - 1);
      if (!pending) body.classList.remove("busy");
    });
  });
  document.addEventListener("htmx:sendError", () => toast(body.dataset.msgNetwork));
  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    // A form whose database was away is marked and resent by live.js, without a toast each time.
    if (xhr.status === 503 && document.getElementById("live") && event.detail.elt.closest && event.detail.elt.closest("form")) return;
    // A refusal that says why (a closed lane, a locked board) is shown as it is.
    const type = xhr.getResponseHeader("Content-Type") || "";
    if (type.startsWith("text/plain") && xhr.responseText && xhr.responseText.length < 400) {
      toast(xhr.responseText);
      return;
    }
    toast(xhr.status === 404 ? body.dataset.msgGone : body.dataset.msgError);
  });

  // A refusal in words with a status htmx swaps (422: "this step is running") is a sentence
  // to show, not a part of the page: the panel that asked stays as it was.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    const type = xhr.getResponseHeader("Content-Type") || "";
    if (event.detail.shouldSwap && xhr.status >= 400 && type.startsWith("text/plain")) {
      event.detail.shouldSwap = false;
      toast(xhr.responseText.slice(0, 400));
    }
  });

  // Names on the emotion cards: off by default (people read the scores first), remembered in
  // this browser. Cards written without a name have none to show.
  function showNames(on) {
    body.classList.toggle("show-names", on);
    document.querySelectorAll("[data-show-names]").forEach((b) => b.setAttribute("aria-pressed", String(on)));
  }
  showNames(localStorage.getItem("journeymap-names") === "on");
  document.addEventListener("click", (event) => {
    if (!event.target.closest || !event.target.closest("[data-show-names]")) return;
    const on = !body.classList.contains("show-names");
    localStorage.setItem("journeymap-names", on ? "on" : "off");
    showNames(on);
  });

  // A button that asks first (forms that are not htmx requests).
  document.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
  document.addEventListener("focusin", (event) => {
    if (event.target.matches && event.target.matches("input[data-select-all]")) event.target.select();
  });

  document.addEventListener("click", (event) => {
    const dismiss = event.target.closest && event.target.closest("[data-dismiss]");
    if (dismiss) dismiss.parentElement.remove();
  });

  // Exports (the PDF takes a second or more): fetch the file while the link says it is
  // working, then hand it to the browser under the server's (Korean) file name.
  function fileName(disposition) {
    const match = /filename\*=utf-8''([^;]+)/i.exec(disposition || "");
    return match ? decodeURIComponent(match[1]) : null;
  }
  document.addEventListener("click", async (event) => {
    const link = event.target.closest && event.target.closest("a[data-download]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    const label = link.textContent;
    link.setAttribute("aria-busy", "true");
    link.textContent = link.dataset.busyLabel || label;
    try {
      // As htmx asks: a refusal then comes back as a sentence to show (a limit reached).
      let response;
      for (;;) {
        response = await fetch(link.href, { credentials: "same-origin", headers: { "HX-Request": "true" } });
        if (response.status !== 202) break;
        // Being made elsewhere (a PDF): the server says how far it is; asking keeps it wanted.
        link.textContent = await response.text();
        await new Promise((done) => setTimeout(done, 1000 * (Number(response.headers.get("Retry-After")) || 1)));
      }
      if (!response.ok) {
        const type = response.headers.get("Content-Type") || "";
        const said = type.startsWith("text/plain") ? await response.text() : "";
        throw new Error(said.length < 400 ? said : "");
      }
      const url = URL.createObjectURL(await response.blob());
      const save = document.createElement("a");
      save.href = url;
      save.download = fileName(response.headers.get("Content-Disposition")) || "journeymap";
      document.body.appendChild(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (error) {
      toast(error.message || body.dataset.msgExport);
    } finally {
      link.removeAttribute("aria-busy");
      link.textContent = label;
    }
  });

  // Language switch submits on change.
  document.addEventListener("change", (event) => {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });

  document.addEventListener("keydown", (event) => {
    // Korean (and any IME) input: Enter and Esc finish the composition, nothing else.
    // keyCode 229 is how older engines say the same.
    if (event.isComposing || event.keyCode === 229) return;
    const form = event.target.closest && event.target.closest("form");
    if (!form) return;
    if (event.key === "Escape") {
      const cancel = form.querySelector("[data-cancel]");
      const details = form.closest("details");
      if (cancel) { event.preventDefault(); cancel.click(); }
      else if (details) { details.open = false; details.querySelector("summary").focus(); }
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.tagName === "TEXTAREA") {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Enter" && !event.shiftKey && !event.altKey && event.target.matches("details.add-card textarea")) {
      // A sticky note: Enter puts it on the board, Shift+Enter starts a new line.
      event.preventDefault();
      if (event.target.value.trim()) form.requestSubmit();
    }
  });

  // After a card lands its add form comes back open and empty for the next one; once focus
  // leaves it with nothing written, it closes, so the lane reads as cards again.
  // (A moment later: closing it at once would move what the pointer is pressing on.)
  document.addEventListener("focusout", (event) => {
    const details = event.target.closest && event.target.closest("details.add-card[data-fresh]");
    if (!details || (event.relatedTarget && details.contains(event.relatedTarget))) return;
    setTimeout(() => {
      const text = details.querySelector("textarea");
      if (details.contains(document.activeElement) || !text || text.value.trim()) return;
      details.open = false;
    }, 300);
  });

  // Add forms load when opened (maps/lazy_form.html): the stub is replaced by the form, open,
  // its first field focused. `toggle` does not bubble, hence the capture.
  function fromTemplate(details) {
    const template = document.getElementById("form-" + details.dataset.form);
    if (!template) return false;
    const ids = { __STAGE__: details.dataset.stage, __LANE__: details.dataset.lane, __TOUCHPOINT__: details.dataset.card, __CARD__: details.dataset.card };
    const html = template.innerHTML.replace(/__(STAGE|LANE|TOUCHPOINT|CARD)__/g, (name) => ids[name] || "");
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const form = holder.firstElementChild;
    details.replaceWith(form);
    htmx.process(form);
    const first = form.querySelector("[autofocus]");
    if (first) first.focus();
    restoreDrafts(form.parentNode);
    return true;
  }
  document.addEventListener("toggle", (event) => {
    const details = event.target;
    if (!details.matches || !details.matches("details[data-lazy]") || !details.open) return;
    if (details.dataset.loading || fromTemplate(details)) return;
    details.dataset.loading = "1";
    htmx.ajax("GET", details.querySelector(".lazy-fallback").getAttribute("href"), { source: details, target: details, swap: "outerHTML" })
      .finally(() => { delete details.dataset.loading; });
  }, true);

  // What someone is typing survives a reload or a lost connection: kept in this browser, per
  // page and form, until the form is sent and accepted.
  const DRAFT = "journeymap-draft:" + location.pathname + ":";
  function draftKey(textarea) {
    const holder = textarea.closest("details.add-card, form[data-editor]");
    return holder && holder.id ? DRAFT + holder.id : null;
  }
  document.addEventListener("input", (event) => {
    if (!event.target.matches || !event.target.matches("details.add-card textarea, form[data-editor] textarea")) return;
    const key = draftKey(event.target);
    if (!key) return;
    if (event.target.value.trim()) localStorage.setItem(key, event.target.value);
    else localStorage.removeItem(key);
  });
  // Accepted: the draft goes. (Before the swap: the form that sent it is then still in the
  // page; events on it after it is swapped away never reach the document.)
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if (status < 200 || status >= 300) return;
    if (event.detail.requestConfig && event.detail.requestConfig.verb === "get") return;  // a form loading
    const form = event.detail.elt.closest && event.detail.elt.closest("details.add-card, form[data-editor]");
    if (form && form.id) localStorage.removeItem(DRAFT + form.id);
  });
  // A draft whose form is not loaded yet opens it; the form restores the draft once it is in.
  function openDraftForms() {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key || !key.startsWith(DRAFT)) continue;
      const holder = document.getElementById(key.slice(DRAFT.length));
      if (holder && holder.matches("details[data-lazy]")) holder.open = true;
    }
  }
  function restoreDrafts(root) {
    root.querySelectorAll("details.add-card textarea, form[data-editor] textarea").forEach((textarea) => {
      const key = draftKey(textarea);
      const kept = key && localStorage.getItem(key);
      if (!kept || textarea.value === kept) return;
      textarea.value = kept;
      textarea.classList.add("restored");
      textarea.title = body.dataset.msgDraft || "";
      const details = textarea.closest("details");
      if (details) details.open = true;
    });
  }
  restoreDrafts(document);
  openDraftForms();
  // htmx:load, not afterSettle: a part that replaced itself (outerHTML) settles detached,
  // and the events of a detached element never reach the document.
  document.addEventListener("htmx:load", (event) => {
    const elt = event.detail.elt;
    if (elt && elt.isConnected) restoreDrafts(elt.parentNode || document);
  });

  // One's own private cards, in place: each <template> of the private section (rendered for
  // this person alone) is copied into its cell or onto its touchpoint, again after every swap,
  // since pushes carry the room's shared HTML only. No section, no copies.
  let mirroring = false;
  function mirrorPrivate() {
    if (mirroring) return;
    mirroring = true;
    requestAnimationFrame(() => {
      mirroring = false;
      document.querySelectorAll(".private-mirror").forEach((el) => el.remove());
      document.querySelectorAll("#private-mine template[data-into]").forEach((template) => {
        const into = document.getElementById(template.dataset.into);
        if (!into) return;
        const copy = template.content.firstElementChild.cloneNode(true);
        into.appendChild(copy);
        htmx.process(copy);
      });
    });
  }
  mirrorPrivate();
  document.addEventListener("htmx:afterSettle", mirrorPrivate);
  document.addEventListener("htmx:load", mirrorPrivate);
  document.addEventListener("htmx:oobAfterSwap", mirrorPrivate);

  // On a phone: a row of stage names over the grid, built from the stages on the page (so a
  // stage added or renamed by a push is there too); a press scrolls to that stage, and the
  // stage in view is marked.
  const phone = window.matchMedia("(max-width: 600px)");
  function stageSwitch() {
    const scroller = document.querySelector(".board-scroll");
    if (!scroller || !phone.matches) return;
    let bar = document.getElementById("stage-switch");
    if (!bar) {
      bar = document.createElement("nav");
      bar.id = "stage-switch";
      bar.className = "stage-switch";
      bar.setAttribute("aria-label", body.dataset.msgStages || "");
      scroller.before(bar);
    }
    const stages = [...scroller.querySelectorAll(".stage-column")];
    const names = stages.map((s) => s.querySelector("h2") ? s.querySelector("h2").textContent : "");
    if (bar.dataset.names === names.join("\n")) return;
    bar.dataset.names = names.join("\n");
    bar.replaceChildren(...stages.map((stage, i) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "small";
      button.textContent = names[i];
      button.dataset.stage = stage.id;
      return button;
    }));
    markStage();
  }
  function markStage() {
    const scroller = document.querySelector(".board-scroll");
    const bar = document.getElementById("stage-switch");
    if (!scroller || !bar) return;
    const left = scroller.getBoundingClientRect().left + 80;
    let current = null;
    scroller.querySelectorAll(".stage-column").forEach((stage) => {
      if (stage.getBoundingClientRect().left <= left + 20) current = stage.id;
    });
    bar.querySelectorAll("button").forEach((b) => b.setAttribute("aria-current", String(b.dataset.stage === current)));
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("#stage-switch button");
    if (!button) return;
    const stage = document.getElementById(button.dataset.stage);
    const scroller = document.querySelector(".board-scroll");
    if (stage && scroller) scroller.scrollTo({ left: stage.offsetLeft - scroller.querySelector(".lane-labels").offsetWidth - 6 });
  });
  stageSwitch();
  document.addEventListener("htmx:afterSettle", stageSwitch);
  document.addEventListener("htmx:oobAfterSwap", stageSwitch);
  phone.addEventListener("change", stageSwitch);
  document.addEventListener("scroll", (event) => { if (event.target.classList && event.target.classList.contains("board-scroll")) markStage(); }, true);

  // Long cards show their first lines and "더 보기"; a second press folds them again.
  function clampLong(root) {
    root.querySelectorAll(".card-text:not([data-clamp])").forEach((text) => {
      text.dataset.clamp = "1";
      if (text.scrollHeight <= text.clientHeight + 2) return;
      const more = document.createElement("button");
      more.type = "button";
      more.className = "more link";
      more.textContent = body.dataset.msgMore || "…";
      more.setAttribute("aria-expanded", "false");
      text.after(more);
    });
  }
  clampLong(document);
  document.addEventListener("htmx:afterSettle", () => clampLong(document));
  document.addEventListener("htmx:load", () => clampLong(document));
  document.addEventListener("htmx:oobAfterSwap", () => clampLong(document));
  document.addEventListener("click", (event) => {
    const more = event.target.closest && event.target.closest("button.more");
    if (!more) return;
    const text = more.previousElementSibling;
    const open = text.classList.toggle("expanded");
    more.setAttribute("aria-expanded", String(open));
    more.textContent = open ? body.dataset.msgLess : body.dataset.msgMore;
  });
})();
