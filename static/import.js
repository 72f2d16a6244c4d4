// The import page: while the rows are checked or saved, the bar follows the server's count;
// when the work ends the page reloads to show the preview, the problems or the result.
(function () {
  "use strict";

  const job = document.getElementById("import-job");
  if (!job) return;
  const bar = document.getElementById("import-progress");
  const state = document.getElementById("import-state");
  const POLL_MS = 300;
  const RETRY_MS = 2000;

  function say(name, numbers) {
    return job.dataset[name].replace(/\{(done|total)\}/g, (_, key) => String(numbers[key]));
  }

  async function poll() {
    let progress;
    try {
      const response = await fetch(job.dataset.progressUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.redirected || response.status >= 400) {
        window.location.reload();
        return;
      }
      progress = await response.json();
    } catch (error) {
      state.textContent = say("textRetry", {});
      window.setTimeout(poll, RETRY_MS);
      return;
    }
    bar.max = Math.max(progress.total, 1);
    bar.value = progress.done;
    if (progress.status === "checking") {
      state.textContent = say("textChecking", progress);
    } else if (progress.status === "importing") {
      state.textContent = say("textImporting", progress);
    }
    if (progress.status === job.dataset.status) {
      window.setTimeout(poll, POLL_MS);
    } else {
      window.location.reload(); // the work ended (or moved on): the page shows what came of it
    }
  }

  poll();
})();
