// The desk without page loads: the scan and the handover are the page's own form POSTs,
// sent in the background; the answer panel is swapped in and the scan field keeps focus.
(function () {
  "use strict";
  const scanForm = document.getElementById("scan-form");
  const scan = document.getElementById("scan");
  const panel = document.getElementById("panel");
  if (!scanForm || !scan || !panel) return;
  const csrf = scanForm.querySelector("input[name=csrf_token]").value;
  let busy = false;

  async function post(url, value) {
    busy = true;
    const body = new URLSearchParams({ csrf_token: csrf, scan: value });
    try {
      const response = await fetch(url, {
        method: "POST",
        body,
        headers: { "X-Desk-Panel": "1" },
        credentials: "same-origin",
      });
      if (response.redirected || response.status === 401) {
        window.location.reload();
        return;
      }
      panel.innerHTML = await response.text();
    } catch (error) {
      panel.innerHTML = '<section class="answer not_a_card"><h1>NO CONNECTION</h1>' +
        "<p>The server did not answer. Try again.</p></section>";
    } finally {
      busy = false;
      scan.value = "";
      scan.focus();
    }
  }

  scanForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;
    const value = scan.value.trim();
    const handover = document.getElementById("handover-form");
    if (value === "" && handover) {
      post(handover.action, handover.querySelector("input[name=scan]").value);
    } else if (value !== "") {
      post(scanForm.action, value);
    }
  });

  panel.addEventListener("submit", function (event) {
    if (event.target.id !== "handover-form") return;
    event.preventDefault();
    if (!busy) post(event.target.action, event.target.querySelector("input[name=scan]").value);
  });

  // Whatever was clicked, the next scan goes into the scan field.
  document.addEventListener("keydown", function (event) {
    if (document.activeElement !== scan && event.key.length === 1 && !event.ctrlKey && !event.altKey) {
      scan.focus();
    }
  });
})();
