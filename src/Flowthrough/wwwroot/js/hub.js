// Copy buttons: data-copy names the element whose text is copied (or data-copy-text holds it).
(function () {
  var copied = document.currentScript.getAttribute('data-copied') || 'Copied';
  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-copy], [data-copy-text]');
    if (!button) { return; }
    var text = button.getAttribute('data-copy-text');
    if (text === null) {
      var source = document.querySelector(button.getAttribute('data-copy'));
      text = source ? source.textContent.trim() : '';
    }
    var done = function () {
      var label = button.textContent;
      button.textContent = copied;
      button.setAttribute('aria-live', 'polite');
      setTimeout(function () { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else {
      fallback(text);
      done();
    }
  });
  // Older browsers and non-secure origins have no async clipboard.
  function fallback(text) {
    var area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    document.body.removeChild(area);
  }
})();
