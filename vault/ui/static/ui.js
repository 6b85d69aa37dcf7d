// casevault: a page brought back from the browser's back-forward cache is fetched again, so a
// locked vault shows the lock page, never what was on screen before.
window.addEventListener("pageshow", function (event) {
  if (event.persisted) { window.location.reload(); }
});
