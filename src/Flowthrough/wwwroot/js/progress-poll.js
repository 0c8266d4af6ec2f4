// Follows a background job on its own page (a bulk job, a reconciliation run): polls the page's Progress handler,
// hands each answer to show(), and once the job is no longer active reloads the page once, so the server renders
// the result. A network hiccup is skipped and the next poll tries again. Without JavaScript a reload does the same.
window.followProgress = (url, show, everyMs = 1500) => {
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' });
      if (response.ok) {
        const progress = await response.json();
        show(progress);
        if (!progress.active) {
          window.location.reload();
          return;
        }
      }
    } catch {
      // The next poll tries again.
    }

    window.setTimeout(poll, everyMs);
  };

  window.setTimeout(poll, everyMs);
};
