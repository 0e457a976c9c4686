/* Light or dark: the system's choice, or the one picked with the switch (kept in this browser). */
(function () {
  "use strict";
  var root = document.documentElement, key = "tracker-theme", names = { "": "System", dark: "Dark", light: "Light" };
  function stored() { try { return localStorage.getItem(key) || ""; } catch (e) { return ""; } }
  function apply(theme) {
    if (theme) root.setAttribute("data-theme", theme); else root.removeAttribute("data-theme");
  }
  apply(stored());
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-switch");
    if (!button) return;
    function label() { button.textContent = "Theme: " + names[stored()]; }
    button.hidden = false;
    label();
    button.addEventListener("click", function () {
      var next = { "": "dark", dark: "light", light: "" }[stored()];
      try { if (next) localStorage.setItem(key, next); else localStorage.removeItem(key); } catch (e) { /* private mode */ }
      apply(next);
      label();
    });
  });
})();
