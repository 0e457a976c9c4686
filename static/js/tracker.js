/* Tracker snippet: counts a page view, SPA navigations and custom events. No cookies. */
(function (w, d) {
  "use strict";
  var n = w.navigator, s = d.currentScript, endpoint = s && s.getAttribute("data-endpoint"), last;
  if (!endpoint) return;
  function optedOut() {
    return n.doNotTrack == "1" || w.doNotTrack == "1" || n.globalPrivacyControl === true;
  }
  function send(event) {
    if (optedOut()) return;
    var body = JSON.stringify({ url: location.href, referrer: d.referrer, event: event || "pageview", w: w.innerWidth });
    // A string body goes as text/plain: no CORS preflight, and it survives the page unloading.
    if (!(n.sendBeacon && n.sendBeacon(endpoint, body)) && w.fetch) {
      fetch(endpoint, { method: "POST", body: body, keepalive: true, mode: "no-cors", credentials: "omit" });
    }
  }
  function page() {
    if (location.href !== last) { last = location.href; send(); }
  }
  var push = history.pushState;
  history.pushState = function () { var r = push.apply(this, arguments); page(); return r; };
  w.addEventListener("popstate", page);
  w.tracker = function (name) { if (name) send(String(name)); };
  if (d.prerendering) d.addEventListener("prerenderingchange", page, { once: true });
  else page();
})(window, document);
