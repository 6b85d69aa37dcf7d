// casevault: nothing from the interface stays in the browser.
// A page brought back from the back-forward cache is fetched again, so a locked vault shows the
// lock page, never what was on screen before.
window.addEventListener("pageshow", function (event) {
  if (event.persisted) { window.location.reload(); }
});
// htmx notes the page's path in sessionStorage on load even with its history cache off
// (historyCacheSize 0); the interface keeps nothing there, so remove it (this script runs
// after htmx's, both deferred in order) and again after every htmx swap.
function casevaultForgetHistory() {
  try { window.sessionStorage.removeItem("htmx-current-path-for-history"); } catch (e) { /* no storage */ }
}
casevaultForgetHistory();
document.addEventListener("htmx:afterSettle", casevaultForgetHistory);
