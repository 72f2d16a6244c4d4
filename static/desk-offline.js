// The desk without the server (decision 0029). The page keeps, in IndexedDB, the offline
// snapshot (per card: a keyed hash of its token, household size, last served, what is due) and
// refreshes it in the background with only what changed. A heartbeat notices within 2 s when
// the server stops answering; the desk then says OFFLINE, answers scans from the snapshot and
// journals each handover with its idempotency key and time. When the server answers again,
// or when the page is opened again later, the journal is sent and each handover is recorded
// at the time it happened. In a secure context (https, or the server's own laptop) a service
// worker (static/desk-sw.js, decision 0033) keeps a copy of this page, so that a desk closed
// during the outage opens again from it; that copy loads itself from the server once it answers.
(function () {
  "use strict";
  const root = document.getElementById("offline");
  const scanForm = document.getElementById("scan-form");
  const scan = document.getElementById("scan");
  const panel = document.getElementById("panel");
  if (!root || !scanForm || !scan || !panel || !window.indexedDB) return;
  const banner = document.getElementById("offline-banner");
  const csrf = scanForm.querySelector("input[name=csrf_token]").value;
  const T = root.dataset;
  const HEARTBEAT_MS = 400;
  const HEARTBEAT_TIMEOUT_MS = 1000; // offline within 1.4 s of the server's last answer
  const REFRESH_MS = 3 * 60 * 1000;
  const BATCH = 100;
  const RETRY_MS = 10 * 1000;
  let lastTry = 0;
  let offline = false;
  let sending = false;
  let shown = null; // the card of an ELIGIBLE answer given offline, waiting for its handover
  // Given by the service worker, not the server: its form's token and session may be old.
  const copy = T.page === "copy";

  // ---- IndexedDB: one database per account, so a journal goes back with the one who made it.
  function openDb() {
    return new Promise(function (resolve, reject) {
      const request = indexedDB.open("aiddesk-offline-" + T.user, 1);
      request.onupgradeneeded = function () {
        const db = request.result;
        db.createObjectStore("cards", { keyPath: "hash" });
        db.createObjectStore("meta");
        db.createObjectStore("journal", { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  const dbReady = openDb();

  function run(store, mode, work) {
    return dbReady.then(function (db) {
      return new Promise(function (resolve, reject) {
        const tx = db.transaction(store, mode);
        const result = work(tx.objectStore(store));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  const getMeta = () => run("meta", "readonly", (s) => s.get("snapshot"));
  const journalEntries = () => run("journal", "readonly", (s) => s.getAll());

  // ---- Hashes: WebCrypto where the page is a secure context, else the same in plain code
  // (a desk on the LAN over http has no crypto.subtle).
  const encoder = new TextEncoder();
  function hex(bytes) {
    return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function fromHex(text) {
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(i * 2, 2), 16);
    return out;
  }
  const K = [];
  (function () {
    let n = 2;
    const primes = [];
    while (primes.length < 64) {
      if (primes.every((p) => n % p !== 0)) primes.push(n);
      n++;
    }
    for (const p of primes) K.push((Math.cbrt(p) % 1) * 4294967296 >>> 0);
  })();
  function sha256Plain(bytes) {
    const length = bytes.length;
    const padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
    padded.set(bytes);
    padded[length] = 0x80;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 4, length * 8);
    view.setUint32(padded.length - 8, Math.floor(length / 536870912));
    const h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    const w = new Uint32Array(64);
    const rotr = (x, n) => (x >>> n) | (x << (32 - n));
    for (let off = 0; off < padded.length; off += 64) {
      for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
      for (let i = 16; i < 64; i++) {
        const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
      }
      let [a, b, c, d, e, f, g, hh] = h;
      for (let i = 0; i < 64; i++) {
        const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
        const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
        hh = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      [a, b, c, d, e, f, g, hh].forEach((v, i) => { h[i] = (h[i] + v) >>> 0; });
    }
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    h.forEach((v, i) => outView.setUint32(i * 4, v));
    return out;
  }
  function hmacPlain(key, message) {
    const block = new Uint8Array(64);
    block.set(key.length > 64 ? sha256Plain(key) : key);
    const inner = new Uint8Array(64 + message.length);
    const outer = new Uint8Array(64 + 32);
    for (let i = 0; i < 64; i++) {
      inner[i] = block[i] ^ 0x36;
      outer[i] = block[i] ^ 0x5c;
    }
    inner.set(message, 64);
    outer.set(sha256Plain(inner), 64);
    return sha256Plain(outer);
  }
  async function offlineHash(keyHex, token) {
    const subtle = window.crypto && window.crypto.subtle;
    if (subtle) {
      const tokenHash = hex(await subtle.digest("SHA-256", encoder.encode(token)));
      const key = await subtle.importKey("raw", fromHex(keyHex), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      return hex(await subtle.sign("HMAC", key, encoder.encode(tokenHash)));
    }
    const tokenHash = hex(sha256Plain(encoder.encode(token)));
    return hex(hmacPlain(fromHex(keyHex), encoder.encode(tokenHash)));
  }
  function newKey() {
    if (window.crypto.randomUUID) return window.crypto.randomUUID();
    return hex(window.crypto.getRandomValues(new Uint8Array(16)));
  }

  // ---- What was scanned: the QR's token, as app/cards/tokens.py reads it (a scanner on a
  // Ukrainian or Russian layout types Cyrillic letters on the same keys).
  const LATIN = "qwertyuiopasdfghjklzxcvbnm";
  const LAYOUTS = ["йцукенгшщзфівапролдячсмить", "йцукенгшщзфывапролдячсмить"];
  const KEYS = {};
  for (const layout of LAYOUTS) {
    for (let i = 0; i < LATIN.length; i++) {
      KEYS[layout[i]] = LATIN[i];
      KEYS[layout[i].toUpperCase()] = LATIN[i].toUpperCase();
    }
  }
  function readScan(text) {
    const cleaned = Array.from(text.trim(), (ch) => KEYS[ch] || ch).join("").toUpperCase();
    if (cleaned.startsWith("AD1-")) {
      const token = cleaned.slice(4);
      return /^[A-Z2-7]{32}$/.test(token) ? { kind: "qr", token: token } : { kind: "not_a_card" };
    }
    if (/^\d{10}$/.test(cleaned.replace(/[\s-]/g, ""))) return { kind: "number" };
    return { kind: "not_a_card" };
  }

  // ---- The snapshot: a full read the first time, then only what changed since the cursor.
  async function refresh() {
    const meta = await getMeta();
    const fresh = !meta || meta.key === undefined;
    let after = 0;
    let first = null;
    for (;;) {
      const query = new URLSearchParams({ after: String(after) });
      if (!fresh) query.set("since", meta.cursor);
      const sent = Date.now();
      const response = await fetch(T.snapshotUrl + "?" + query, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) throw new Error("snapshot " + response.status);
      const page = await response.json();
      if (first === null) {
        first = page;
        // The server's time, as the desk's clock sees it: the journal is stamped in it.
        first.offset = Date.parse(page.snapshot_at) - (sent + Date.now()) / 2;
        if (fresh || meta.key !== page.key) await run("cards", "readwrite", (s) => s.clear());
      }
      await run("cards", "readwrite", function (store) {
        for (const card of page.cards) store.put(card);
        if (page.gone.length) {
          const gone = new Set(page.gone);
          store.openCursor().onsuccess = function (event) {
            const cursor = event.target.result;
            if (!cursor) return;
            if (gone.has(cursor.value.card)) cursor.delete();
            cursor.continue();
          };
        }
      });
      if (page.after === null) break;
      after = page.after;
    }
    // A card served at this desk offline stays served, whatever an older copy says.
    const journaled = await journalEntries();
    await run("meta", "readwrite", (s) => s.put({
      cursor: first.cursor,
      snapshot_at: first.snapshot_at,
      offset: first.offset,
      today: first.today,
      days: first.days,
      key: first.key,
      grant: first.grant,
      max_age_minutes: first.max_age_minutes,
      journal_max: first.journal_max,
    }, "snapshot"));
    root.dataset.snapshotAt = first.snapshot_at;
    root.dataset.cards = String(await run("cards", "readonly", (s) => s.count()));
    root.dataset.journaled = String(journaled.length);
  }

  // ---- The journal, sent when the server answers.
  // Left over after a send that failed (the server busy); one it refused waits for a person.
  function unsent() {
    return root.dataset.journaled && root.dataset.journaled !== "0" && !root.dataset.journalRefused;
  }

  async function sendJournal() {
    if (sending) return;
    sending = true;
    lastTry = Date.now();
    try {
      let entries = await journalEntries();
      let served = 0;
      let double = 0;
      while (entries.length) {
        const batch = entries.slice(0, BATCH);
        const grant = batch[0].grant;
        const same = batch.filter((e) => e.grant === grant);
        const response = await fetch(T.journalUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
          body: JSON.stringify({
            grant: grant,
            entries: same.map((e) => ({ key: e.key, card: e.card, served_at: e.served_at, items: e.items })),
          }),
        });
        if (!response.ok) {
          // Kept, never dropped: a coordinator sees the note and the journal stays here.
          if (response.status === 403 || response.status === 422) {
            root.dataset.journalRefused = "1";
            say(T.textRefused, "warn");
          }
          return;
        }
        const answer = await response.json();
        served += answer.served;
        double += answer.double;
        await run("journal", "readwrite", function (store) {
          for (const result of answer.results) store.delete(result.key);
        });
        entries = await journalEntries();
      }
      root.dataset.journaled = "0";
      if (served || double) {
        say(T.textSent.replace("{served}", served).replace("{double}", double), "ok");
      }
    } catch (error) {
      // The server went away again: the next heartbeat tries once more.
    } finally {
      sending = false;
    }
  }

  // ---- Online or not: a light request every half second.
  function say(text, kind) {
    if (!banner) return;
    banner.textContent = text;
    banner.className = "offline-banner " + kind;
    banner.hidden = false;
  }

  async function beat() {
    try { await heartbeat(); } finally { setTimeout(beat, HEARTBEAT_MS); }
  }

  async function heartbeat() {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), HEARTBEAT_TIMEOUT_MS);
    let up = false;
    try {
      const response = await fetch(T.pingUrl, {
        cache: "no-store",
        credentials: "same-origin",
        headers: { "X-Desk-Heartbeat": "1" }, // logged at DEBUG, not once a request
        signal: abort.signal,
      });
      up = response.ok;
    } catch (error) {
      up = false;
    } finally {
      clearTimeout(timer);
    }
    if (up && copy) {
      loadLive();
    } else if (!up && !offline) {
      goOffline();
    } else if (up && !offline && unsent() && Date.now() - lastTry > RETRY_MS) {
      await sendJournal(); // a journal the server could not take last time (busy): again
    } else if (up && offline) {
      offline = false;
      document.body.classList.remove("desk-offline");
      root.dataset.state = "online";
      if (banner) banner.hidden = true;
      shown = null;
      await sendJournal();
      refresh().catch(function () {});
    }
  }

  function goOffline() {
    offline = true;
    document.body.classList.add("desk-offline");
    root.dataset.state = "offline";
    say(T.textOffline, "offline");
    showAnswer("offline", T.textOfflineTitle, [T.textOfflineHint]);
  }

  // ---- The copy of this page, for a desk opened again while the server is down.
  // Without a secure context (plain http on the LAN) there is no service worker: the desk
  // works as before, and a closed desk waits for the server to open again.
  function keepCopy() {
    if (!("serviceWorker" in navigator) || !T.workerUrl) return;
    const viaWorker = Boolean(navigator.serviceWorker.controller);
    const files = Array.from(
      document.querySelectorAll("script[src], link[rel~=stylesheet][href], link[rel~=icon][href]"),
      (el) => el.src || el.href,
    );
    navigator.serviceWorker.register(T.workerUrl, { scope: T.deskUrl })
      .then(() => navigator.serviceWorker.ready)
      .then(function (registration) {
        const channel = new MessageChannel();
        channel.port1.onmessage = function (event) { root.dataset.copy = event.data; };
        registration.active.postMessage({ keep: files, page: !viaWorker }, [channel.port2]);
      })
      .catch(function () { root.dataset.copy = "failed"; });
  }

  // Once the server answers, the copy gives way to the page the server makes: it sends the
  // journal with this session's token, or leads to the login if the session ended meanwhile.
  function loadLive() {
    const last = Number(sessionStorage.getItem("aiddesk-copy-reload") || 0);
    if (Date.now() - last < RETRY_MS) return; // the server answers the heartbeat, not the page
    sessionStorage.setItem("aiddesk-copy-reload", String(Date.now()));
    location.reload();
  }

  // ---- Answers from the snapshot.
  function showAnswer(state, title, lines, handover) {
    const section = document.createElement("section");
    const look = { eligible: "eligible", served: "served", not_yet: "not_yet", offline: "not_a_card" }[state] || "unknown";
    section.className = "answer " + look;
    section.dataset.state = state;
    section.dataset.offline = "1";
    const heading = document.createElement("h1");
    heading.textContent = title;
    section.append(heading);
    for (const line of lines) {
      const p = document.createElement("p");
      p.textContent = line;
      section.append(p);
    }
    if (handover) {
      const list = document.createElement("ul");
      list.className = "items";
      for (const item of handover.due) {
        const li = document.createElement("li");
        li.textContent = item.quantity + " × " + item.sku;
        list.append(li);
      }
      const button = document.createElement("button");
      button.type = "button";
      button.className = "primary";
      button.id = "offline-handover";
      button.textContent = T.textHandOver;
      button.addEventListener("click", () => handOver());
      section.append(list, button);
    }
    panel.replaceChildren(section);
  }

  function addDays(isoDay, days) {
    const d = new Date(isoDay + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  function serverNow(meta) {
    return Date.now() + (meta.offset || 0);
  }

  async function answerScan(text) {
    const meta = await getMeta();
    if (!meta) return showAnswer("stale", T.textStale, []);
    if (serverNow(meta) - Date.parse(meta.snapshot_at) > meta.max_age_minutes * 60000) {
      return showAnswer("stale", T.textStale, []);
    }
    const scanned = readScan(text);
    if (scanned.kind === "number") return showAnswer("number", T.textNumber, []);
    if (scanned.kind !== "qr") return showAnswer("not_a_card", T.textNotACard, []);
    const hash = await offlineHash(meta.key, scanned.token);
    const card = await run("cards", "readonly", (s) => s.get(hash));
    if (!card) return showAnswer("unknown", T.textUnknown, []);
    const journaled = (await journalEntries()).find((e) => e.card === card.card);
    if (journaled) {
      const at = new Date(journaled.served_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      return showAnswer("served_here", T.textServedHere.replace("{time}", at), []);
    }
    const people = T.textPeople.replace("{people}", card.people);
    if (card.last_served_on && card.last_served_on > addDays(meta.today, -meta.days)) {
      const next = addDays(card.last_served_on, meta.days);
      return showAnswer("not_yet", T.textNotYet, [T.textNextOn.replace("{day}", next), people]);
    }
    shown = card;
    showAnswer("eligible", T.textEligible, [people, T.textNoStock], card);
  }

  async function handOver() {
    const card = shown;
    if (!card) return;
    shown = null;
    const meta = await getMeta();
    const count = (await journalEntries()).length;
    if (count >= meta.journal_max) return showAnswer("full", T.textFull, []);
    const entry = {
      key: newKey(),
      card: card.card,
      served_at: new Date(serverNow(meta)).toISOString(),
      items: card.due,
      grant: meta.grant,
    };
    await run("journal", "readwrite", (s) => s.put(entry));
    root.dataset.journaled = String(count + 1);
    showAnswer("served", T.textHanded, [T.textWaiting.replace("{count}", count + 1)]);
  }

  // Offline, the scan form is answered here (capture phase: before desk.js sends it).
  document.addEventListener("submit", function (event) {
    if (!offline || event.target !== scanForm) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const value = scan.value.trim();
    scan.value = "";
    scan.focus();
    if (value === "" && shown) handOver();
    else if (value !== "") answerScan(value);
  }, true);

  if (copy) {
    goOffline(); // the server did not give this page: it is down, or does not answer
  } else {
    // At start: what an earlier page (or an earlier outage) left in the journal goes first.
    sendJournal().then(() => refresh()).catch(function () {});
    setInterval(function () { if (!offline) refresh().catch(function () {}); }, REFRESH_MS);
    keepCopy();
  }
  setTimeout(beat, HEARTBEAT_MS);
})();
