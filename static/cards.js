// The sheets page: typing household numbers picks "These households"; while a sheet is made,
// its progress bar follows the server's count, and the PDF downloads as soon as it is ready.
(function () {
  "use strict";

  const typed = document.getElementById("household_ids");
  if (typed) {
    typed.addEventListener("input", function () {
      const option = document.querySelector("input[name=choice][value=typed]");
      if (option && typed.value.trim() !== "") option.checked = true;
    });
  }

  const job = document.getElementById("sheet-job");
  if (!job) return;
  const bar = document.getElementById("sheet-progress");
  const state = document.getElementById("sheet-state");
  const download = document.getElementById("sheet-download");
  const downloadedKey = "aiddesk-sheet-downloaded:" + job.dataset.pdfUrl;
  // The page's words, in the user's language: {done} and {total} are filled in here.
  function say(name, numbers) {
    return job.dataset[name].replace(/\{(done|total)\}/g, (_, key) => String(numbers[key]));
  }
  const POLL_MS = 300;
  const RETRY_MS = 2000;

  function show(progress) {
    bar.max = Math.max(progress.total, 1);
    bar.value = progress.done;
    job.dataset.status = progress.status;
    if (progress.status === "done") {
      state.textContent = say("textReady", { done: progress.total, total: progress.total });
      download.hidden = false;
      // Once per sheet: coming back to the page does not download it again.
      if (!sessionStorage.getItem(downloadedKey)) {
        sessionStorage.setItem(downloadedKey, "1");
        window.location.assign(job.dataset.pdfUrl);
      }
    } else if (progress.status === "failed") {
      state.textContent = progress.message || say("textFailed", {});
    } else {
      state.textContent = say("textRunning", progress);
    }
  }

  async function poll() {
    let progress;
    try {
      const response = await fetch(job.dataset.progressUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.redirected || response.status === 401) {
        window.location.reload(); // signed out: the login page, then back here
        return;
      }
      if (response.status >= 400 && response.status < 500) {
        state.textContent = say("textGone", {});
        return;
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      progress = await response.json();
    } catch (error) {
      state.textContent = say("textRetry", {});
      window.setTimeout(poll, RETRY_MS);
      return;
    }
    show(progress);
    if (progress.status === "queued" || progress.status === "running") {
      window.setTimeout(poll, POLL_MS);
    }
  }

  poll();
})();
