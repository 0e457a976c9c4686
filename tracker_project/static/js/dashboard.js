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
/* Tabs over a card's panels: one shown at a time, the choice kept for this visit of the page. */
(function () {
  "use strict";
  var groups = document.querySelectorAll("[data-tabs]");
  Array.prototype.forEach.call(groups, function (group) {
    var tabs = group.querySelectorAll('[role="tab"]');
    function pick(tab, focus) {
      Array.prototype.forEach.call(tabs, function (other) {
        var chosen = other === tab;
        other.setAttribute("aria-selected", chosen ? "true" : "false");
        other.tabIndex = chosen ? 0 : -1;
        document.getElementById(other.getAttribute("aria-controls")).hidden = !chosen;
      });
      if (focus) tab.focus();
      try { sessionStorage.setItem("tab-" + tabs[0].id, tab.id); } catch (e) { /* private mode */ }
    }
    Array.prototype.forEach.call(tabs, function (tab, index) {
      tab.addEventListener("click", function () { pick(tab, false); });
      tab.addEventListener("keydown", function (event) {
        var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (!step) return;
        event.stopPropagation();
        pick(tabs[(index + step + tabs.length) % tabs.length], true);
      });
    });
    var kept;
    try { kept = document.getElementById(sessionStorage.getItem("tab-" + tabs[0].id)); } catch (e) { kept = null; }
    if (kept && group.contains(kept)) pick(kept, false);
  });
})();
