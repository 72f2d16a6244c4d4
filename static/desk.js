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
    // The question before the next card: the volunteer must look up and answer.
    confirm: [[523, 120], [523, 120], [523, 120]],
    declined: [[440, 200]],
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

  // The answer on screen, and the ELIGIBLE family it still waits on (if any).
  function answer() {
    return panel.querySelector("[data-state]");
  }

  function pendingFields(body) {
    const shown = answer();
    if (!shown || !("pendingIdempotencyKey" in shown.dataset)) return;
    body.set("pending_scan", shown.dataset.pendingScan);
    body.set("pending_household_id", shown.dataset.pendingHouseholdId);
    body.set("pending_idempotency_key", shown.dataset.pendingIdempotencyKey);
    const serials = document.getElementById("vouchers");
    if (serials) body.set("pending_vouchers", serials.value);
  }

  async function post(url, body) {
    busy = true;
    if (!body.has("csrf_token")) body.set("csrf_token", csrf);
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
      const shown = answer();
      if (shown) play(shown.dataset.state);
    } catch (error) {
      // The words come from the page, in the volunteer's language.
      const section = document.createElement("section");
      section.className = "answer not_a_card";
      section.dataset.state = "offline";
      const title = document.createElement("h1");
      title.textContent = panel.dataset.textOffline;
      const text = document.createElement("p");
      text.textContent = panel.dataset.textOfflineHint;
      section.append(title, text);
      panel.replaceChildren(section);
      play("not_a_card");
    } finally {
      busy = false;
      // CHECK THE NUMBER: what was typed stays, so one wrong digit is mended, not retyped.
      const shown = answer();
      scan.value = shown && shown.dataset.typed ? shown.dataset.typed : "";
      // An item handed over by serial: the vouchers are scanned next, into their own field.
      const serials = document.getElementById("vouchers");
      (serials || scan).focus();
    }
  }

  function submitForm(form, submitter) {
    post(form.action, new URLSearchParams(new FormData(form, submitter)));
  }

  scanForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;
    const value = scan.value.trim();
    const handover = document.getElementById("handover-form") || document.getElementById("confirm-yes");
    if (value === "" && handover) {
      submitForm(handover);
    } else if (value !== "") {
      const body = new URLSearchParams({ scan: value });
      pendingFields(body);
      post(scanForm.action, body);
    }
  });

  // Every form of the answer (hand over, not handed over, the question) is sent in the
  // background too.
  panel.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!busy) submitForm(event.target, event.submitter);
  });

  // The question "was this family served?": Enter = yes, Esc = no (the family left).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || busy) return;
    const no = document.getElementById("confirm-no");
    if (no) {
      event.preventDefault();
      submitForm(no, no.querySelector("button[value=family_left]"));
    }
  });

  // Leaving the page with a family's answer not settled: the browser asks first.
  window.addEventListener("beforeunload", function (event) {
    const shown = answer();
    if (shown && "pendingIdempotencyKey" in shown.dataset) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // In the vouchers field the scanner types each serial and Enter (a new line); Enter on an
  // empty line, or Ctrl+Enter, hands over.
  panel.addEventListener("keydown", function (event) {
    if (event.target.id !== "vouchers" || event.key !== "Enter" || event.shiftKey) return;
    const text = event.target.value;
    if (event.ctrlKey || text === "" || text.endsWith("\n")) {
      event.preventDefault();
      if (!busy) submitForm(event.target.form);
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
      const body = new URLSearchParams({ scan: text });
      pendingFields(body);
      post(scanForm.action, body);
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

  // Whatever was clicked, the next scan goes into the scan field; but what is typed into
  // another field (the vouchers, the search box in the header) stays there.
  const NOT_TYPED_INTO = ["button", "checkbox", "radio", "reset", "submit"];
  function typingInto(element) {
    if (!element) return false;
    if (element.isContentEditable || element.tagName === "TEXTAREA" || element.tagName === "SELECT") return true;
    return element.tagName === "INPUT" && !NOT_TYPED_INTO.includes(element.type);
  }
  document.addEventListener("keydown", function (event) {
    if (!typingInto(document.activeElement) && event.key.length === 1 && !event.ctrlKey && !event.altKey) {
      scan.focus();
    }
  });
})();
