// A bulk job's page follows the job by itself: it polls the page's Progress handler and updates the progress bar,
// the counts and the status; when the job has ended it reloads once to show the report. Without JavaScript the
// page is the same, and a reload (or the Refresh link) brings it up to date.
(() => {
  'use strict';
  const panel = document.getElementById('job');
  if (!panel || panel.dataset.active !== 'true') {
    return;
  }

  const url = panel.dataset.progressUrl;
  const bar = document.getElementById('job-progress');
  const status = document.querySelector('#job-status strong');
  const texts = { done: 'job-done', skipped: 'job-skipped', failed: 'job-failed' };

  const show = (p) => {
    bar.max = Math.max(p.total, 1);
    bar.value = Math.min(p.processed, p.total);
    bar.textContent = p.percentText;
    for (const [key, id] of Object.entries(texts)) {
      const element = document.getElementById(id);
      const text = p[`${key}Text`];
      if (element && element.textContent !== text) {
        element.textContent = text;
      }
    }

    // The job's own row in the list of recent jobs.
    const row = document.querySelector(`#recent-jobs tr[data-job-id="${panel.dataset.jobId}"]`);
    if (row) {
      row.cells[2].textContent = p.statusText;
      row.cells[3].textContent = p.progressText;
    }

    if (status.textContent !== p.statusText) {
      status.textContent = p.statusText;
      status.className = `job-status job-${p.status.toLowerCase()}`;
    }
  };

  window.followProgress(url, show);
})();
