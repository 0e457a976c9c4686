/* Tracker snippet: page views, SPA navigations, time on page, custom events with properties
   and revenue, and (with data-track="outbound downloads") link clicks out and file downloads.
   The engagement ping carries the page view's deepest scroll (percent of the page's height)
   and, once, its Core Web Vitals read from the browser's own PerformanceObserver.
   No cookies.
   A page opened with #tracker-ignore=on (or =off) stops (or resumes) counting this browser on
   this site, through localStorage["tracker-ignore-<site id>"]. */
(function (w, d) {
  "use strict";
  var n = w.navigator, s = d.currentScript, endpoint = s && s.getAttribute("data-endpoint"), last, shown;
  if (!endpoint) return;
  var track = " " + (s.getAttribute("data-track") || "") + " ";
  var files = /\.(pdf|zip|gz|tgz|rar|7z|dmg|exe|msi|pkg|deb|rpm|apk|iso|csv|xlsx?|docx?|pptx?|odt|ods|epub|mp3|mp4|mov|avi|wav)$/i;
  var key = "tracker-ignore-" + endpoint.split("/").slice(-2)[0], ignored, m = /#tracker-ignore=(on|off)$/.exec(location.hash);
  try {
    if (m) {
      m[1] == "on" ? localStorage.setItem(key, 1) : localStorage.removeItem(key);
      alert("Tracker: this browser is " + (m[1] == "on" ? "not counted" : "counted again") + " on this site.");
    }
    ignored = localStorage.getItem(key);
  } catch (e) {} // storage may be off: then count as usual
  function optedOut() {
    return ignored || n.doNotTrack == "1" || w.doNotTrack == "1" || n.globalPrivacyControl === true;
  }
  function send(event, props, revenue, extra) {
    if (optedOut()) return;
    var data = { url: location.href, referrer: d.referrer, event: event || "pageview", w: w.innerWidth };
    if (props) data.props = props;
    if (revenue) data.revenue = revenue;
    Object.assign(data, extra);
    var body = JSON.stringify(data);
    // A string body goes as text/plain: no CORS preflight, and it survives the page unloading.
    if (!(n.sendBeacon && n.sendBeacon(endpoint, body)) && w.fetch) {
      fetch(endpoint, { method: "POST", body: body, keepalive: true, mode: "no-cors", credentials: "omit" });
    }
  }
  function page() {
    if (location.href !== last) { last = location.href; shown = 1; v.scroll = 0; send(); }
  }
  // v: what the engagement ping reports. The deepest point seen, in percent of the page's
  // height (the server rounds and clamps), and the Core Web Vitals from the browser's own
  // PerformanceObserver: CLS as the sum of shifts not caused by input, INP as the slowest
  // interaction. An entry type the browser lacks is not sent.
  var v = { scroll: 0 }, sent;
  function scrolled() { v.scroll = Math.max(v.scroll, (scrollY + innerHeight) * 100 / d.documentElement.scrollHeight); }
  w.addEventListener("scroll", scrolled);
  function observe(type, record) {
    try {
      new PerformanceObserver(function (l) { l.getEntries().forEach(record); })
        .observe({ type: type, buffered: true, durationThreshold: 16 });
    } catch (e) {}
  }
  observe("navigation", function (e) { v.ttfb = e.responseStart; });
  // Paint entries come in order, the first contentful paint after the first paint.
  observe("paint", function (e) { v.fcp = e.startTime; });
  observe("largest-contentful-paint", function (e) { v.lcp = e.startTime; });
  observe("layout-shift", function (e) { if (!e.hadRecentInput) v.cls = (v.cls || 0) + e.value; });
  observe("event", function (e) { if (e.interactionId) v.inp = Math.max(v.inp || 0, e.duration); });
  // When the page is hidden or left, one ping marks the end of the time spent on it, with how
  // far down it was read and (on the first ping only) how fast it was.
  function leave() {
    if (shown) {
      shown = 0; scrolled();
      send("engagement", 0, 0, sent ? { scroll: v.scroll } : v);
      sent = 1;
    }
  }
  d.addEventListener("visibilitychange", function () { if (d.visibilityState == "hidden") leave(); else shown = 1; });
  w.addEventListener("pagehide", leave);
  function click(e) {
    var a = e.target.closest && e.target.closest("a[href]");
    if (!a || (e.type == "auxclick" && e.button != 1) || !/^https?:$/.test(a.protocol)) return;
    if (track.indexOf(" downloads ") >= 0 && files.test(a.pathname)) send("File Download", { url: a.href });
    else if (track.indexOf(" outbound ") >= 0 && a.hostname != location.hostname) send("Outbound Link: Click", { url: a.href });
  }
  d.addEventListener("click", click, true);
  d.addEventListener("auxclick", click, true);
  var push = history.pushState;
  history.pushState = function () { var r = push.apply(this, arguments); page(); return r; };
  w.addEventListener("popstate", page);
  // The snippet's first line queues calls made before this script ran: send them now.
  var queued = (w.tracker && w.tracker.q) || [];
  // A third argument may carry revenue: {revenue: {amount: "12.50", currency: "EUR"}}.
  w.tracker = function (name, props, o) { if (name) send(String(name), props, o && o.revenue); };
  for (var i = 0; i < queued.length; i++) w.tracker.apply(w, queued[i]);
  if (d.prerendering) d.addEventListener("prerenderingchange", page, { once: true });
  else page();
})(window, document);
