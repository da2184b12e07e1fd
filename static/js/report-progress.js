// Polls an LA report's progress and reloads the page when it is finished. Without
// JavaScript the reader checks again with the page's link (no meta refresh: WCAG 2.2.1).
const panel = document.querySelector("[data-report-status-url]");

if (panel) {
  const url = panel.dataset.reportStatusUrl;
  const bar = panel.querySelector("progress");
  const text = panel.querySelector("[data-report-progress-text]");
  const everyMs = 2000;

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (response.ok) {
        const status = await response.json();
        if (status.state === "ready" || status.state === "failed") {
          window.location.reload();
          return;
        }
        if (bar) bar.value = status.progress;
        if (text) text.textContent = `${status.progress}% done`;
      }
    } catch (error) {
      // A missed poll is harmless: try again next time.
    }
    window.setTimeout(poll, everyMs);
  };
  window.setTimeout(poll, everyMs);
}
