// A reconciliation run's page follows the run by itself (progress-poll.js): it updates the progress bar and the state,
// and when the run has ended the page reloads once to show its items. Without JavaScript the page is the same, and a
// reload (or the Refresh link) brings it up to date.
(() => {
  'use strict';
  const panel = document.getElementById('reconcile-run');
  if (!panel || panel.dataset.active !== 'true') {
    return;
  }

  const url = panel.dataset.progressUrl;
  const bar = document.getElementById('run-progress');
  const progressText = document.getElementById('run-progress-text');
  const state = document.querySelector('#run-state strong');

  const show = (p) => {
    bar.max = Math.max(p.total, 1);
    bar.value = Math.min(p.done, p.total);
    bar.textContent = p.progressText;
    if (progressText.textContent !== p.progressText) {
      progressText.textContent = p.progressText;
    }

    if (state.textContent !== p.stateText) {
      state.textContent = p.stateText;
      state.className = `run-state run-${p.state.toLowerCase()}`;
    }
  };

  window.followProgress(url, show);
})();
