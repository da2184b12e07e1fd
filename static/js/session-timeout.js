// The idle sign-out warning (WCAG 2.2.1 Timing adjustable). The page says how many seconds are
// left before the server signs the user out and how long before that to warn (data attributes
// from the idle-timeout setting: one source). "Stay signed in" posts to the keep-alive endpoint,
// which records activity; "Sign out" is an ordinary sign-out form. Without JavaScript the
// dialog never opens and the server's timeout works as before.
const dialog = document.getElementById("session-timeout");

if (dialog && typeof dialog.showModal === "function") {
  const warningSeconds = Number(dialog.dataset.warningSeconds);
  const timeoutSeconds = Number(dialog.dataset.timeoutSeconds);
  const countdown = dialog.querySelector("[data-countdown]");
  const keepAlive = dialog.querySelector("[data-keep-alive]");
  // A second's grace so the server has signed the user out when we go to the sign-in page.
  const graceMs = 1000;
  let expiresAt = Date.now() + Number(dialog.dataset.secondsLeft) * 1000;
  let warnTimer = null;
  let tickTimer = null;
  let returnFocusTo = null;

  const spoken = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const signedOut = () => {
    window.location.href = dialog.dataset.signedOutUrl;
  };

  const tick = () => {
    const left = Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000));
    // Screen readers hear the minutes, then every 15 seconds in the last minute, not each second.
    const text = `You will be signed out in ${spoken(left)}.`;
    if (left >= 60 || left % 15 === 0 || left <= 5 || !countdown.textContent) {
      countdown.textContent = text;
    }
    if (Date.now() >= expiresAt + graceMs) {
      signedOut();
    }
  };

  const focusables = () =>
    Array.from(dialog.querySelectorAll("button, [href], input:not([type=hidden])")).filter(
      (el) => !el.disabled,
    );

  const open = () => {
    returnFocusTo = document.activeElement;
    countdown.textContent = "";
    dialog.showModal();
    focusables()[0].focus();
    tick();
    tickTimer = window.setInterval(tick, 1000);
  };

  const close = () => {
    window.clearInterval(tickTimer);
    dialog.close();
    if (returnFocusTo && typeof returnFocusTo.focus === "function") returnFocusTo.focus();
  };

  const schedule = () => {
    window.clearTimeout(warnTimer);
    const untilWarning = expiresAt - warningSeconds * 1000 - Date.now();
    warnTimer = window.setTimeout(open, Math.max(0, untilWarning));
  };

  // Keep focus inside the dialog (showModal makes the page inert; Tab still wraps here).
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    const items = focusables();
    const first = items[0];
    const last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });

  // Escape means "not now": treat it as staying signed in rather than leaving a timer running.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    keepAlive.requestSubmit();
  });

  keepAlive.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const response = await fetch(keepAlive.action, {
        method: "POST",
        body: new FormData(keepAlive),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (!response.ok || response.redirected) {
        signedOut();
        return;
      }
    } catch (error) {
      signedOut();
      return;
    }
    expiresAt = Date.now() + timeoutSeconds * 1000;
    close();
    schedule();
  });

  schedule();
}
