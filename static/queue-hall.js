// The hall screen: reads GET /api/v1/queue with the display token every few seconds and
// redraws the numbers. When the server does not answer (a restart), the last numbers stay
// on screen, a small mark says so, and it keeps asking.
(function () {
  "use strict";
  const body = document.body;
  const main = document.getElementById("hall");
  const offline = document.getElementById("hall-offline");
  const EVERY_MS = 3000;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function call(c, latest) {
    const p = el("p", "hall-call" + (latest ? " latest" : ""));
    p.append(el("span", "number", c.number), " ", el("span", "arrow", "→"), " ",
      el("span", "desk", body.dataset.textDesk + " " + c.desk));
    return p;
  }

  function draw(state) {
    const sections = state.lines.map(function (line) {
      const section = el("section", "hall-line");
      section.dataset.line = line.line;
      section.append(el("h1", "", body.dataset["text" + line.line.charAt(0).toUpperCase() + line.line.slice(1)]));
      const now = el("div", "hall-now");
      line.called.slice(0, 2).forEach(function (c, i) { now.append(call(c, i === 0)); });
      const last = el("ol", "hall-last");
      line.called.slice(2).forEach(function (c) {
        const li = el("li");
        li.append(el("span", "number", c.number), " → " + c.desk);
        last.append(li);
      });
      const wait = el("p", "hall-wait");
      wait.append(el("span", "waiting", String(line.waiting)), " " + body.dataset.textWaiting + " · ",
        el("span", "minutes", "~" + line.estimated_wait_minutes), " " + body.dataset.textMinutes);
      section.append(now, last, wait);
      return section;
    });
    main.replaceChildren.apply(main, sections);
  }

  function refresh() {
    fetch(body.dataset.source, { headers: { "X-Display-Token": body.dataset.token }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (state) { draw(state); offline.hidden = true; })
      .catch(function () { offline.hidden = false; })
      .finally(function () { window.setTimeout(refresh, EVERY_MS); });
  }
  window.setTimeout(refresh, EVERY_MS);
})();
