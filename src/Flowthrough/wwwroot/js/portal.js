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

  // The code page and the progress page follow the subscriber's status and reload when it changes: the link is
  // usually confirmed on another device (the mail is read on the phone), and the engine finishes on its own.
  // The status answer is small JSON (the status the page already shows); polling does not extend the sign-in.
  // The page is fetched again with a GET, never reloaded: a page answered to a POST (a wrong code) must not resubmit.
  var follow = document.getElementById('follow') || document.getElementById('progress');
  if (follow && window.fetch) {
    var shown = follow.getAttribute('data-status');
    var every = 1500;
    var again = function () { window.location.replace(window.location.pathname); };
    var poll = function () {
      fetch(window.location.pathname + '?handler=Status', { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
        .then(function (r) {
          // Signed out meanwhile (idle timeout, deleted): the reload shows the sign-in page.
          if (r.redirected) { again(); return null; }
          return r.ok ? r.json() : Promise.reject(r.status);
        })
        .then(function (s) {
          if (s && s.status !== shown) { again(); } else if (s) { setTimeout(poll, every); }
        })
        .catch(function () { setTimeout(poll, every * 3); });
    };
    setTimeout(poll, every);
  }
})();
