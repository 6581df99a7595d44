// Draws the charts of a page from their canvas's data-chart attribute (no inline script:
// the console's CSP allows scripts only from /console/static).
"use strict";
document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
  var data = JSON.parse(canvas.getAttribute("data-chart"));
  var datasets = [{ label: canvas.getAttribute("aria-label"), data: data.sms,
                    backgroundColor: "#12355b" }];
  new window.Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: datasets },
    options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
});
