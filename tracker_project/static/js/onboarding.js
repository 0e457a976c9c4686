/* The empty dashboard: ask every 5 seconds whether the first visit came, then show the dashboard. */
(function () {
  "use strict";
  var waiting = document.getElementById("waiting");
  if (!waiting || !window.fetch) return;
  var url = waiting.getAttribute("data-url");
  function check() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.has_visits) location.reload();
        else setTimeout(check, 5000);
      })
      .catch(function () { setTimeout(check, 5000); });
  }
  setTimeout(check, 5000);
})();
