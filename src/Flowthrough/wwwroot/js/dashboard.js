// The dashboard's pictures: Chart.js (vendored under /lib/chart.js) draws each <canvas data-chart> from the figures
// in its data-labels/data-values attributes. The tables beside the charts carry the same figures, so the page is
// whole without JavaScript; with it, the long per-day table folds away under "Figures".
(function () {
  if (!window.Chart) { return; }
  var accent = getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() || '#0b5cad';
  var horizontal = { funnel: true, errors: true };
  document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
    var kind = canvas.getAttribute('data-chart');
    var labels = JSON.parse(canvas.getAttribute('data-labels') || '[]');
    var values = JSON.parse(canvas.getAttribute('data-values') || '[]');
    var valueAxis = horizontal[kind] ? 'x' : 'y';
    var scales = {};
    scales[valueAxis] = { beginAtZero: true, ticks: { precision: 0 } };
    new window.Chart(canvas, {
      type: 'bar',
      data: { labels: labels, datasets: [{ data: values, backgroundColor: kind === 'errors' ? '#b00020' : accent }] },
      options: {
        indexAxis: horizontal[kind] ? 'y' : 'x',
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: scales,
      },
    });
    var section = canvas.closest('section');
    var figures = section && section.querySelector('details.figures');
    if (figures) { figures.open = false; }
  });
})();
