/* The snippet's block: a copy button, and switches that rewrite the snippet at once. */
(function () {
  "use strict";
  var button = document.querySelector("[data-copy]");
  var form = document.querySelector("[data-track-options]");
  if (button && navigator.clipboard) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = document.getElementById(button.getAttribute("data-copy")).textContent;
      var status = document.querySelector("[data-copied]");
      navigator.clipboard.writeText(text).then(
        function () { status.textContent = "Copied."; },
        function () { status.textContent = "Select the snippet and copy it."; }
      );
    });
  }
  if (form) {
    var update = form.querySelector("[data-update]");
    if (update) update.hidden = true;
    form.addEventListener("change", function () { form.submit(); });
  }
})();
