// User Status, enhanced. Without this file every part still works: the "⋯" menu is a popover of plain links to each
// row action's own page (forms with post-redirect-get) and the filters apply with their Apply button. With it:
// - the "⋯" button is a WAI-ARIA menu button (arrow keys, Home/End, Escape and Tab close, focus returns), placed
//   next to the button in the top layer, so no scroll box clips it;
// - Retry Activation, Delete User and Change Package Type open their page's form in a modal <dialog> and submit it
//   in the background; Copy Error Text copies and says "Copied";
// - filters apply as they change (search after a pause) and the URL follows with history.replaceState;
// - while rows are in progress the page asks ?handler=Live every few seconds and patches counts and changed rows
//   in place, keeping scroll position, checked rows and an open menu or dialog.
(function () {
  'use strict';
  var script = document.currentScript;
  var root = document.getElementById('user-status');
  if (!root) { return; }
  var copiedText = script.getAttribute('data-copied') || 'Copied';
  var failedText = script.getAttribute('data-failed') || '{0}';
  var pollInterval = 3000;
  var searchPause = 300;
  var filters = document.getElementById('filters');
  var dialog = document.getElementById('action-dialog');
  var dialogBody = dialog.querySelector('.dialog-body');
  var notice = document.getElementById('live-notice');
  var currentUrl = location.pathname + location.search;
  var loading = null;
  var pollTimer = 0;
  var dialogOpener = null;
  var focusOnOpen = 'first';

  function parse(html) { return new DOMParser().parseFromString(html, 'text/html'); }

  function fetchHtml(url, init) {
    init = init || {};
    init.credentials = 'same-origin';
    init.headers = { Accept: 'text/html' };
    return fetch(url, init).then(function (response) {
      return response.text().then(function (text) { return { response: response, doc: parse(text) }; });
    });
  }

  // Messages go to one live region that exists from the start, replacing the server's one-off notice.
  function say(text) {
    document.querySelectorAll('.notice').forEach(function (old) { if (!notice.contains(old)) { old.remove(); } });
    var p = document.createElement('p');
    p.className = 'notice';
    p.textContent = text;
    notice.replaceChildren(p);
  }

  // ---- Markup only JavaScript can drive (run on the page and on every row the refresh brings in) ----
  function enhance(scope) {
    scope.querySelectorAll('.menu-button').forEach(function (button) {
      if (!button.hasAttribute('aria-expanded')) { button.setAttribute('aria-expanded', 'false'); }
    });
    // Menu items are reached with the arrow keys, not Tab (roving focus inside the open menu).
    scope.querySelectorAll('.row-menu [role=menuitem]').forEach(function (item) { item.tabIndex = -1; });
    scope.querySelectorAll('button.expand[hidden]').forEach(function (button) { button.hidden = false; });
  }

  // ---- The "⋯" menu button ----
  function buttonOf(menu) { return document.getElementById('menu-button-' + menu.id.slice('menu-'.length)); }
  function itemsOf(menu) { return Array.prototype.slice.call(menu.querySelectorAll('[role=menuitem]')); }
  function openMenu() { return document.querySelector('.row-menu:popover-open'); }

  function place(menu, button) {
    var r = button.getBoundingClientRect();
    menu.style.position = 'fixed';
    menu.style.inset = 'auto';
    menu.style.margin = '0';
    var width = menu.offsetWidth;
    var height = menu.offsetHeight;
    var left = Math.max(8, Math.min(r.right - width, window.innerWidth - width - 8));
    var top = r.bottom + 4;
    if (top + height > window.innerHeight - 8 && r.top - height - 4 >= 8) { top = r.top - height - 4; }
    menu.style.left = left + 'px';
    menu.style.top = Math.max(8, top) + 'px';
  }

  function focusItem(menu, index) {
    var items = itemsOf(menu);
    if (items.length === 0) { return; }
    items[(index + items.length) % items.length].focus();
  }

  function closeMenu(menu, returnFocus) {
    if (menu.matches(':popover-open')) { menu.hidePopover(); }
    if (returnFocus) { buttonOf(menu).focus(); }
  }

  // toggle does not bubble: listen in the capture phase for every row's popover.
  document.addEventListener('toggle', function (event) {
    var menu = event.target;
    if (!(menu instanceof HTMLElement) || !menu.classList.contains('row-menu')) { return; }
    var button = buttonOf(menu);
    if (event.newState === 'open') {
      button.setAttribute('aria-expanded', 'true');
      place(menu, button);
      focusItem(menu, focusOnOpen === 'last' ? -1 : 0);
      focusOnOpen = 'first';
    } else {
      button.setAttribute('aria-expanded', 'false');
      if (!document.activeElement || document.activeElement === document.body || menu.contains(document.activeElement)) {
        button.focus();
      }
      schedule(0);
    }
  }, true);

  function reposition() {
    var menu = openMenu();
    if (menu) { place(menu, buttonOf(menu)); }
  }
  window.addEventListener('scroll', reposition, true);
  window.addEventListener('resize', reposition);

  document.addEventListener('keydown', function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    if (target.classList.contains('menu-button') && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      var menuToOpen = document.getElementById(target.getAttribute('aria-controls'));
      focusOnOpen = event.key === 'ArrowUp' ? 'last' : 'first';
      if (menuToOpen.matches(':popover-open')) {
        focusItem(menuToOpen, focusOnOpen === 'last' ? -1 : 0);
      } else {
        menuToOpen.showPopover();
      }
      return;
    }

    var menu = target.closest('.row-menu');
    if (!menu) { return; }
    var items = itemsOf(menu);
    var index = items.indexOf(target.closest('[role=menuitem]'));
    switch (event.key) {
      case 'ArrowDown': focusItem(menu, index + 1); break;
      case 'ArrowUp': focusItem(menu, index - 1); break;
      case 'Home': focusItem(menu, 0); break;
      case 'End': focusItem(menu, -1); break;
      case 'Escape': closeMenu(menu, true); break;
      case 'Tab': closeMenu(menu, true); break;
      case 'Enter':
      case ' ':
        if (index >= 0) { items[index].click(); }
        break;
      default: return;
    }
    event.preventDefault();
  });

  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) { return; }
    var item = target.closest('.row-menu [role=menuitem]');
    if (item) {
      var menu = item.closest('.row-menu');
      if (item.getAttribute('aria-disabled') === 'true') {
        event.preventDefault();
        return;
      }
      if (item.hasAttribute('data-error-text')) {
        event.preventDefault();
        copy(item.getAttribute('data-error-text')).then(function () { say(copiedText); });
        closeMenu(menu, true);
        return;
      }
      if (item.hasAttribute('data-dialog')) {
        event.preventDefault();
        var opener = buttonOf(menu);
        closeMenu(menu, false);
        openDialog(item.getAttribute('href'), opener);
      }
      return;
    }

    var expand = target.closest('button.expand');
    if (expand) {
      var extra = document.getElementById(expand.getAttribute('aria-controls'));
      var open = expand.getAttribute('aria-expanded') !== 'true';
      expand.setAttribute('aria-expanded', open ? 'true' : 'false');
      extra.hidden = !open;
      return;
    }

    if (target.closest('[data-dialog-close]') && dialog.contains(target)) {
      event.preventDefault();
      dialog.close();
      return;
    }

    var chipRemove = target.closest('.chip-remove');
    if (chipRemove) {
      event.preventDefault();
      chipRemove.closest('#chips').replaceChildren();
      load(filterUrl());
    }
  });

  // ---- Copy Error Text (hub.js, loaded first, owns the clipboard) ----
  function copy(text) { return window.FlowthroughHub.copy(text); }

  // ---- The action pop-up ----
  function focusables() {
    return Array.prototype.slice.call(dialog.querySelectorAll(
      'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled])'))
      .filter(function (element) { return element.offsetParent !== null || element === document.activeElement; });
  }

  function showPanel(panel) {
    dialogBody.replaceChildren(document.importNode(panel, true));
    dialog.setAttribute('aria-labelledby', 'action-title');
    if (!dialog.open) { dialog.showModal(); }
    var first = dialog.querySelector('[aria-invalid=true]') || dialog.querySelector('input:not([type=hidden]):not([disabled]):checked')
      || dialog.querySelector('input:not([type=hidden]):not([disabled])') || focusables()[0];
    if (first) { first.focus(); }
  }

  function openDialog(url, opener) {
    dialogOpener = opener;
    fetchHtml(url).then(function (result) {
      var panel = result.doc.querySelector('.action-panel');
      if (!result.response.ok || !panel) { location.assign(url); return; }
      showPanel(panel);
    }, function () { location.assign(url); });
  }

  dialog.addEventListener('keydown', function (event) {
    if (event.key !== 'Tab') { return; }
    var all = focusables();
    if (all.length === 0) { return; }
    var first = all[0];
    var last = all[all.length - 1];
    if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
      event.preventDefault();
      first.focus();
    }
  });

  dialog.addEventListener('close', function () {
    dialogBody.replaceChildren();
    dialog.removeAttribute('aria-labelledby');
    // The row may have been redrawn meanwhile: its new "⋯" button has the same id; a deleted row leaves the table.
    var opener = dialogOpener && (dialogOpener.isConnected ? dialogOpener : document.getElementById(dialogOpener.id));
    var table = document.getElementById('users') || document.getElementById('results');
    if (opener) { opener.focus(); } else if (table) { table.setAttribute('tabindex', '-1'); table.focus(); }
    dialogOpener = null;
    schedule(0);
  });

  dialog.addEventListener('submit', function (event) {
    var form = event.target;
    event.preventDefault();
    form.querySelectorAll('button[type=submit]').forEach(function (button) { button.disabled = true; });
    fetchHtml(form.getAttribute('action'), { method: 'POST', body: new FormData(form) }).then(function (result) {
      var panel = result.doc.querySelector('.action-panel');
      if (result.response.ok && panel) {
        // The form came back with a message (an invalid email): show it in the same pop-up.
        showPanel(panel);
        return;
      }
      if (!result.response.ok || !result.doc.getElementById('user-status')) {
        dialog.close();
        say(failedText.replace('{0}', String(result.response.status)));
        load(currentUrl);
        return;
      }
      // Post-redirect-get brought back the list: its message and rows replace ours.
      applyView(result.doc, true);
      dialog.close();
    }, function () {
      dialog.close();
      say(failedText.replace('{0}', '—'));
    });
  });

  // ---- Filters that apply at once ----
  function filterUrl() {
    var params = new URLSearchParams();
    new FormData(filters).forEach(function (value, name) { if (value !== '') { params.append(name, value); } });
    var query = params.toString();
    return filters.getAttribute('action') + (query ? '?' + query : '');
  }

  filters.addEventListener('change', function (event) {
    if (event.target.id !== 'q') { load(filterUrl()); }
  });
  var searchTimer = 0;
  filters.addEventListener('input', function (event) {
    if (event.target.id !== 'q') { return; }
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { load(filterUrl()); }, searchPause);
  });
  filters.addEventListener('submit', function (event) {
    event.preventDefault();
    clearTimeout(searchTimer);
    load(filterUrl());
  });

  function load(url) {
    if (loading) { loading.abort(); }
    var controller = new AbortController();
    loading = controller;
    root.setAttribute('aria-busy', 'true');
    return fetchHtml(url, { signal: controller.signal }).then(function (result) {
      if (!result.response.ok || !result.doc.getElementById('user-status')) { location.assign(url); return; }
      applyView(result.doc, false);
      currentUrl = url;
      history.replaceState(null, '', url);
    }, function () { /* aborted by a newer filter, or offline: the next change or poll tries again */ })
      .then(function () {
        if (loading === controller) {
          loading = null;
          root.removeAttribute('aria-busy');
          schedule();
        }
      });
  }

  // ---- Applying a freshly rendered view to this one ----
  function replaceById(doc, id) {
    var fresh = doc.getElementById(id);
    var mine = document.getElementById(id);
    if (fresh && mine) { mine.replaceWith(document.importNode(fresh, true)); }
  }

  function applyView(doc, withMessage) {
    if (withMessage) {
      var message = doc.querySelector('.notice');
      if (message) { say(message.textContent); }
    }
    replaceById(doc, 'counts');
    replaceById(doc, 'chips');
    var exportLink = doc.getElementById('export');
    if (exportLink) { document.getElementById('export').setAttribute('href', exportLink.getAttribute('href')); }
    doc.querySelectorAll('#bulk input[type=hidden]').forEach(function (fresh) {
      var mine = document.querySelector('#bulk input[type=hidden][name="' + fresh.name + '"]');
      if (mine) { mine.value = fresh.value; }
    });
    var freshBody = doc.querySelector('#users tbody');
    var myBody = document.querySelector('#users tbody');
    if (freshBody && myBody) {
      patchRows(myBody, freshBody);
      replaceById(doc, 'pager');
    } else {
      replaceById(doc, 'results');
    }
    enhance(document.getElementById('results'));
    schedule();
  }

  // Rows are matched by id: an unchanged row keeps its node (focus, checkbox, expanded state); a changed one is
  // replaced but keeps its checkbox and expanded state; nodes move only when the order changed.
  function patchRows(body, freshBody) {
    var active = document.activeElement;
    var activeRow = active && active.closest ? active.closest('tr[data-id]') : null;
    var activeKind = active && active.matches && (active.matches('.menu-button') ? '.menu-button'
      : active.matches('button.expand') ? 'button.expand' : active.matches('input[type=checkbox]') ? 'input[type=checkbox]' : null);
    var cursor = body.firstElementChild;
    freshBody.querySelectorAll('tr[data-id]').forEach(function (freshRow) {
      var id = freshRow.getAttribute('data-id');
      var row = body.querySelector('tr[data-id="' + id + '"]');
      var extra = document.getElementById('extra-' + id);
      if (!row || row.getAttribute('data-version') !== freshRow.getAttribute('data-version')) {
        var newRow = document.importNode(freshRow, true);
        var newExtra = document.importNode(freshBody.querySelector('#extra-' + id), true);
        if (row) {
          newRow.querySelector('input[type=checkbox]').checked = row.querySelector('input[type=checkbox]').checked;
          newExtra.hidden = extra.hidden;
          newRow.querySelector('button.expand').setAttribute('aria-expanded', extra.hidden ? 'false' : 'true');
          if (cursor === row) { cursor = extra.nextElementSibling; }
          row.remove();
          extra.remove();
        }
        row = newRow;
        extra = newExtra;
      }
      if (row !== cursor) { body.insertBefore(row, cursor); } else { cursor = cursor.nextElementSibling; }
      if (extra !== cursor) { body.insertBefore(extra, cursor); } else { cursor = cursor.nextElementSibling; }
    });
    while (cursor) {
      var next = cursor.nextElementSibling;
      cursor.remove();
      cursor = next;
    }
    if (activeRow && activeKind && !activeRow.isConnected) {
      var again = body.querySelector('tr[data-id="' + activeRow.getAttribute('data-id') + '"] ' + activeKind);
      if (again) { again.focus(); }
    }
  }

  // ---- Live refresh while rows are in progress ----
  function count(key) {
    var strong = document.querySelector('#count-' + key + ' strong');
    return strong ? parseInt(strong.textContent, 10) || 0 : 0;
  }

  function inProgress() { return document.querySelector('#users tr[data-progress]') !== null || count('progress') > 0; }

  function busy() { return openMenu() !== null || dialog.open || loading !== null; }

  function schedule(delay) {
    clearTimeout(pollTimer);
    if (inProgress() || delay === 0) { pollTimer = setTimeout(poll, delay === 0 ? 50 : pollInterval); }
  }

  function poll() {
    // An open menu or pop-up still gets fresh counts; only the rows wait for it to close.
    if (document.hidden || loading) { schedule(); return; }
    var url = currentUrl + (currentUrl.indexOf('?') < 0 ? '?' : '&') + 'handler=Live';
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (live) {
        if (!live) { return; }
        Object.keys(live.counts).forEach(function (key) {
          var strong = document.querySelector('#count-' + key + ' strong');
          if (strong) { strong.textContent = String(live.counts[key]); }
        });
        var shown = Array.prototype.map.call(document.querySelectorAll('#users tbody tr[data-id]'), function (row) {
          return row.getAttribute('data-id') + ':' + row.getAttribute('data-version');
        }).join(',');
        var now = live.rows.map(function (row) { return row.id + ':' + row.v; }).join(',');
        if (shown !== now && !busy()) { return load(currentUrl); }
      })
      .catch(function () { /* a failed poll is retried on the next tick */ })
      .then(function () { if (!loading) { schedule(); } });
  }

  document.addEventListener('visibilitychange', function () { if (!document.hidden) { schedule(0); } });

  enhance(document);
  schedule();
})();
