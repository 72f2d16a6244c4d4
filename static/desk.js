// The desk without page loads: the scan and the handover are the page's own form POSTs,
// sent in the background; the answer panel is swapped in and the scan field keeps focus.
// Each answer has its own sound, so a volunteer looking at the family hears the verdict.
(function () {
  "use strict";
  const scanForm = document.getElementById("scan-form");
  const scan = document.getElementById("scan");
  const panel = document.getElementById("panel");
  if (!scanForm || !scan || !panel) return;
  const csrf = scanForm.querySelector("input[name=csrf_token]").value;
  let busy = false;

  // [frequency Hz, duration ms] notes per answer: rising for yes, low for no.
  const SOUNDS = {
    eligible: [[660, 90], [880, 140]],
    served: [[880, 90]],
    just_served: [[880, 60], [880, 60]],
    not_yet: [[220, 450]],
    revoked: [[330, 120], [220, 120], [165, 260]],
    unknown: [[300, 150], [300, 150]],
    bad_number: [[300, 150], [300, 150]],
    not_a_card: [[300, 150], [300, 150]],
  };
  let audio = null;

  function play(state) {
    const notes = SOUNDS[state];
    if (!notes || !window.AudioContext) return;
    audio = audio || new AudioContext();
    let at = audio.currentTime;
    for (const [frequency, duration] of notes) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.2, at);
      gain.gain.exponentialRampToValueAtTime(0.001, at + duration / 1000);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(at);
      oscillator.stop(at + duration / 1000);
      at += duration / 1000 + 0.03;
    }
  }

  async function post(url, value, key, vouchers) {
    busy = true;
    const body = new URLSearchParams({ csrf_token: csrf, scan: value });
    if (key) body.set("idempotency_key", key);
    if (vouchers) body.set("vouchers", vouchers);
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
      const answer = panel.querySelector("[data-state]");
      if (answer) play(answer.dataset.state);
    } catch (error) {
      panel.innerHTML = '<section class="answer not_a_card" data-state="offline">' +
        "<h1>NO CONNECTION</h1><p>The server did not answer. Try again.</p></section>";
      play("not_a_card");
    } finally {
      busy = false;
      scan.value = "";
      // An item handed over by serial: the vouchers are scanned next, into their own field.
      const serials = document.getElementById("vouchers");
      (serials || scan).focus();
    }
  }

  scanForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;
    const value = scan.value.trim();
    const handover = document.getElementById("handover-form");
    if (value === "" && handover) {
      handOver(handover);
    } else if (value !== "") {
      post(scanForm.action, value);
    }
  });

  panel.addEventListener("submit", function (event) {
    if (event.target.id !== "handover-form") return;
    event.preventDefault();
    if (!busy) handOver(event.target);
  });

  function handOver(form) {
    const field = (name) => form.querySelector("input[name=" + name + "]").value;
    const serials = form.querySelector("textarea[name=vouchers]");
    post(form.action, field("scan"), field("idempotency_key"), serials ? serials.value : "");
  }

  // In the vouchers field the scanner types each serial and Enter (a new line); Enter on an
  // empty line, or Ctrl+Enter, hands over.
  panel.addEventListener("keydown", function (event) {
    if (event.target.id !== "vouchers" || event.key !== "Enter" || event.shiftKey) return;
    const text = event.target.value;
    if (event.ctrlKey || text === "" || text.endsWith("\n")) {
      event.preventDefault();
      if (!busy) handOver(event.target.form);
    }
  });

  // The camera: frames go to the server, which reads the QR (zxing-cpp), and the text is
  // scanned as if the USB scanner had typed it. Browsers allow the camera on localhost and
  // over HTTPS only (see the README).
  const startButton = document.getElementById("camera-start");
  const video = document.getElementById("camera");
  const note = document.getElementById("camera-note");
  let lastText = "";
  let lastAt = 0;

  async function readFrame(canvas) {
    if (busy || video.readyState < 2) return;
    canvas.width = Math.min(video.videoWidth, 960);
    canvas.height = Math.round(video.videoHeight * canvas.width / video.videoWidth);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.8));
    if (!blob) return;
    const response = await fetch(scanForm.dataset.decode, {
      method: "POST",
      body: blob,
      headers: { "Content-Type": "image/jpeg", "X-CSRFToken": csrf },
      credentials: "same-origin",
    });
    if (!response.ok) return;
    const { text } = await response.json();
    const now = Date.now();
    if (text && (text !== lastText || now - lastAt > 5000)) {
      lastText = text;
      lastAt = now;
      post(scanForm.action, text);
    }
  }

  if (startButton && video && navigator.mediaDevices && window.isSecureContext) {
    startButton.hidden = false;
    startButton.addEventListener("click", async function () {
      try {
        const stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: "environment", width: { ideal: 1280 } },
        });
        video.srcObject = stream;
        video.hidden = false;
        startButton.hidden = true;
        await video.play();
        const canvas = document.createElement("canvas");
        let reading = false;
        setInterval(async function () {
          if (reading) return;
          reading = true;
          try { await readFrame(canvas); } finally { reading = false; }
        }, 300);
      } catch (error) {
        note.hidden = false;
        note.textContent = note.dataset.textFailed + " " + error.message;
      }
      scan.focus();
    });
  }

  // Whatever was clicked, the next scan goes into the scan field.
  document.addEventListener("keydown", function (event) {
    const typing = document.activeElement && document.activeElement.id === "vouchers";
    if (!typing && document.activeElement !== scan && event.key.length === 1 && !event.ctrlKey && !event.altKey) {
      scan.focus();
    }
  });
})();
