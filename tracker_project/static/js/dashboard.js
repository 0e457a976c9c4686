/* Dashboard: refresh the live panel every 15 seconds, and keyboard shortcuts (? lists them). */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) || target.isContentEditable) return;
    var help = document.getElementById("shortcuts");
    if (event.key === "?") {
      if (help && help.showModal && !help.open) help.showModal();
      return;
    }
    if (help && help.open) return; // Escape closes the dialog, nothing else
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var link = document.querySelector('a[data-shortcut="' + key + '"]');
    if (link) { event.preventDefault(); location.href = link.href; }
  });

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
