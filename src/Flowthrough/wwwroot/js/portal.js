// Progressive enhancement only: every page works without it.
(function () {
  var script = document.currentScript;

  // The resend button's cooldown, counted down live.
  var resend = document.getElementById('resend');
  var countdown = document.getElementById('countdown');
  if (resend && countdown) {
    var seconds = parseInt(resend.getAttribute('data-seconds') || '0', 10);
    var template = script.getAttribute('data-resend-template') || '{0}';
    var tick = function () {
      if (seconds <= 0) {
        resend.disabled = false;
        countdown.textContent = '';
        return;
      }
      countdown.textContent = template.replace('{0}', seconds);
      seconds -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  }

  // The progress page follows the status and reloads when it changes.
  var progress = document.getElementById('progress');
  if (progress) {
    var shown = progress.getAttribute('data-status');
    var poll = function () {
      fetch(window.location.pathname + '?handler=Status', { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (s && s.status !== shown) { window.location.reload(); } else { setTimeout(poll, 2000); }
        })
        .catch(function () { setTimeout(poll, 5000); });
    };
    setTimeout(poll, 1500);
  }
})();
