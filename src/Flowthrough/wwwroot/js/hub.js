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
    copy(text).then(done);
  });
  // Puts text on the clipboard; resolves once it is there. Shared with the feature scripts loaded after this one.
  function copy(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).catch(function () { fallback(text); });
    }
    fallback(text);
    return Promise.resolve();
  }
  window.FlowthroughHub = { copy: copy };
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
