/* The chart's value under the pointer: a tooltip with the day (or hour) and its figures, on
   pointer move and on keyboard focus, where the arrow keys, Home and End step through the bars.
   The server-drawn bars carry the text in their <title>; without this script, that still shows. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(".chart-box > svg.chart"), function (chart) {
    var bars = chart.querySelectorAll("rect.bar");
    if (!bars.length) return;
    var box = chart.parentNode;
    var texts = Array.prototype.map.call(bars, function (bar) {
      var title = bar.querySelector("title");
      if (!title) return "";
      bar.removeChild(title); // the tooltip replaces the browser's own, which comes late and twice
      return title.textContent;
    });
    var tip = document.createElement("div");
    tip.className = "chart-tip";
    tip.setAttribute("role", "status"); // read out as the keyboard steps through the bars
    tip.hidden = true;
    box.appendChild(tip);
    chart.setAttribute("tabindex", "0");
    var current = -1;

    function show(index) {
      if (current >= 0) bars[current].classList.remove("current");
      current = index;
      var bar = bars[index];
      bar.classList.add("current");
      tip.textContent = texts[index];
      tip.hidden = false;
      var outer = box.getBoundingClientRect();
      var plot = chart.getBoundingClientRect();
      var shape = bar.getBoundingClientRect();
      var middle = shape.left + shape.width / 2 - outer.left;
      var left = Math.min(middle - tip.offsetWidth / 2, box.clientWidth - tip.offsetWidth);
      tip.style.left = Math.max(0, left) + "px";
      // Above the bar, but never above the chart.
      var top = Math.max(shape.top, plot.top) - outer.top - tip.offsetHeight - 4;
      tip.style.top = Math.max(0, top) + "px";
    }

    function hide() {
      if (current >= 0) bars[current].classList.remove("current");
      current = -1;
      tip.hidden = true;
    }

    function nearest(clientX) {
      var best = 0, distance = Infinity;
      Array.prototype.forEach.call(bars, function (bar, index) {
        var shape = bar.getBoundingClientRect();
        var away = Math.abs(shape.left + shape.width / 2 - clientX);
        if (away < distance) { best = index; distance = away; }
      });
      return best;
    }

    chart.addEventListener("pointermove", function (event) {
      var index = nearest(event.clientX);
      if (index !== current) show(index);
    });
    chart.addEventListener("pointerleave", function () {
      if (document.activeElement !== chart) hide();
    });
    chart.addEventListener("focus", function () { show(current >= 0 ? current : bars.length - 1); });
    chart.addEventListener("blur", hide);
    chart.addEventListener("keydown", function (event) {
      var last = bars.length - 1;
      var moves = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0, End: last };
      if (!(event.key in moves)) return;
      event.preventDefault();
      event.stopPropagation(); // not a dashboard shortcut
      show(Math.max(0, Math.min(last, moves[event.key])));
    });
  });
})();
