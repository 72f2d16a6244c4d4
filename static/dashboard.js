// The live dashboard: asks the server for today's figures every 15 seconds and writes them
// into the page (elements marked data-live="name", tables marked data-live-rows="name").
(function () {
  "use strict";

  const board = document.getElementById("dashboard");
  if (!board) return;
  const POLL_MS = Number(board.dataset.pollMs) || 15000;
  const state = board.querySelector("[data-live-state]");

  function cell(text, numeric) {
    const td = document.createElement("td");
    td.textContent = text;
    if (numeric) td.className = "num";
    return td;
  }

  function bar(value, top) {
    const td = document.createElement("td");
    td.className = "bar-cell";
    const progress = document.createElement("progress");
    progress.max = Math.max(top, 1);
    progress.value = value;
    progress.textContent = String(value);
    td.appendChild(progress);
    return td;
  }

  function fillRows(name, rows, label) {
    const body = board.querySelector('[data-live-rows="' + name + '"]');
    if (!body || rows.length === 0) return;
    const top = Math.max.apply(null, rows.map((r) => r.households));
    body.replaceChildren(
      ...rows.map(function (r) {
        const tr = document.createElement("tr");
        tr.append(cell(label(r)), cell(String(r.households), true), bar(r.households, top));
        return tr;
      })
    );
  }

  function show(data) {
    board.querySelectorAll("[data-live]").forEach(function (el) {
      const name = el.dataset.live;
      if (!(name in data)) return;
      if (name === "pace") {
        el.textContent = data.pace === null ? "—" : data.pace + "%";
        el.title = data.pace === null ? board.dataset.textNoBase : "";
      } else {
        el.textContent = String(data[name]);
      }
    });
    // Server-rendered parts (translated text, escaped by the template): replaced whole.
    board.querySelectorAll("[data-live-html]").forEach(function (el) {
      const html = data[el.dataset.liveHtml + "_html"];
      if (typeof html === "string") el.innerHTML = html;
    });
    fillRows("per_hour", data.per_hour, (r) => String(r.hour).padStart(2, "0") + ":00");
    fillRows("per_desk", data.per_desk, (r) => r.desk);
    board.dataset.updated = data.as_of;
    state.textContent = "";
    state.classList.remove("stale");
  }

  function poll() {
    fetch(board.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(show)
      .catch(function () {
        state.textContent = board.dataset.textStale;
        state.classList.add("stale");
      })
      .finally(function () {
        window.setTimeout(poll, POLL_MS);
      });
  }

  window.setTimeout(poll, POLL_MS);
})();
