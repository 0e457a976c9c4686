/* Dashboard: refresh the live panel every 15 seconds without reloading the page. */
(function () {
  "use strict";
  var panel = document.getElementById("live");
  if (!panel || !window.fetch) return;
  var url = panel.getAttribute("data-url");
  function show(id, value) {
    var element = document.getElementById(id);
    if (element) element.textContent = String(value);
  }
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        show("live-visitors", data.visitors);
        show("live-pageviews", data.pageviews);
      })
      .catch(function () { /* offline for a moment: try again on the next tick */ });
  }
  refresh();
  setInterval(refresh, 15000);
})();
