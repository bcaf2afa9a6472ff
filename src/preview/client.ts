/**
 * The preview's browser script, inline in every page. Live reload over Server-Sent Events: a
 * rebuild that changed this issue refetches the page's side panel and reloads the frames in
 * place, so the scroll position, tab, width, scheme and subscriber stay as they were. Frames are
 * sized to their content, so the page (not the frame) scrolls.
 */
export const PREVIEW_CLIENT = String.raw`(function () {
  'use strict';
  var S = JSON.parse(document.getElementById('gz-state').textContent);
  var html = document.documentElement;
  var live = document.getElementById('gz-live');
  function setLive(cls, text) { if (live) { live.className = 'gz-live ' + cls; live.textContent = text; } }
  var scrollKey = 'gz-scroll:' + location.pathname;
  addEventListener('pagehide', function () { try { sessionStorage.setItem(scrollKey, String(scrollY)); } catch (e) {} });
  var savedScroll = null;
  try { savedScroll = sessionStorage.getItem(scrollKey); sessionStorage.removeItem(scrollKey); } catch (e) {}
  function restoreScroll() { if (savedScroll !== null) { scrollTo(0, Number(savedScroll)); } }

  var frames = [].slice.call(document.querySelectorAll('iframe.gz-frame'));
  function fit(f) {
    try {
      var d = f.contentDocument;
      if (!d || !d.documentElement || !f.offsetParent) return;
      // offsetHeight is the content's height (scrollHeight never goes below the frame's own).
      f.style.height = Math.max(d.documentElement.offsetHeight, d.body ? d.body.offsetHeight : 0) + 'px';
    } catch (e) {}
  }
  frames.forEach(function (f) {
    f.addEventListener('load', function () {
      fit(f);
      restoreScroll();
      f.dataset.loaded = String(S.version);
      setTimeout(function () { fit(f); }, 300);
    });
  });
  function query(o) { return new URLSearchParams(o).toString(); }
  function sync(reload) {
    html.dataset.view = S.view;
    html.dataset.scheme = S.scheme;
    [].forEach.call(document.querySelectorAll('[data-set]'), function (b) {
      var kv = b.getAttribute('data-set').split(':');
      b.setAttribute('aria-pressed', String(S[kv[0]] === kv[1]));
    });
    var sel = document.getElementById('gz-sub');
    if (sel) sel.value = S.sub;
    var eml = document.getElementById('gz-eml');
    if (eml) eml.setAttribute('href', 'test.eml?' + query({ sub: S.sub === 'raw' ? 'sample' : S.sub }));
    var src = 'frame?' + query({ part: S.tab, scheme: S.scheme, sub: S.sub, v: String(S.version) });
    frames.forEach(function (f) { if (reload || f.getAttribute('src') !== src) f.setAttribute('src', src); else fit(f); });
    history.replaceState(null, '', location.pathname + '?' + query({ tab: S.tab, view: S.view, scheme: S.scheme, sub: S.sub }));
  }

  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('[data-set]');
    if (!b) return;
    var kv = b.getAttribute('data-set').split(':');
    S[kv[0]] = kv[1];
    sync(false);
  });
  document.addEventListener('change', function (e) {
    // The panel depends on the subscriber too (its inbox line, merge tags empty for them).
    if (e.target.id === 'gz-sub') { S.sub = e.target.value; sync(false); refresh('meta'); }
  });
  document.addEventListener('submit', function (e) {
    if (e.target.id !== 'gz-send') return;
    e.preventDefault();
    var out = document.getElementById('gz-send-out');
    out.className = 'gz-send-out'; out.textContent = 'Sending…';
    fetch('send-test', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: e.target.elements.to.value, sub: S.sub }) })
      .then(function (r) { return r.json(); })
      .then(function (j) { out.className = 'gz-send-out ' + (j.ok ? 'ok' : 'err'); out.textContent = j.message + (j.output ? '\n\n' + j.output : ''); })
      .catch(function (err) { out.className = 'gz-send-out err'; out.textContent = String(err); });
  });

  var queue = Promise.resolve();
  function refresh(kind, version) {
    // The frames reload at once; the side panel is refetched alongside (not before) them.
    if (kind === 'frames' && version) { S.version = version; html.dataset.version = String(version); sync(true); }
    queue = queue.then(function () {
      return fetch(location.pathname + location.search, { cache: 'no-store' }).then(function (r) { return r.text(); }).then(function (text) {
        var doc = new DOMParser().parseFromString(text, 'text/html');
        var meta = doc.getElementById('gz-meta');
        var mine = document.getElementById('gz-meta');
        if (meta && mine) mine.replaceWith(document.importNode(meta, true));
        document.title = doc.title;
        var next = JSON.parse(doc.getElementById('gz-state').textContent);
        if (next.version > S.version) {
          S.version = next.version;
          html.dataset.version = String(S.version);
          if (kind === 'frames') sync(true);
        }
      }).catch(function () {});
    });
  }
  function onBuild(m) {
    if (m.version <= S.version) return;
    if (S.page === 'index') { location.reload(); return; }
    var kind = m.changed ? m.changed[S.slug] : 'frames';
    if (kind) refresh(kind, m.version);
  }
  function connect() {
    var es = new EventSource('/events');
    es.addEventListener('hello', function (e) { setLive('ok', 'Live'); onBuild(JSON.parse(e.data)); });
    es.addEventListener('build', function (e) { var m = JSON.parse(e.data); setLive('ok', 'Rebuilt in ' + m.ms + ' ms'); onBuild(m); });
    es.onerror = function () { setLive('off', 'Reconnecting…'); };
  }
  if (S.page === 'issue') sync(false);
  if (S.page === 'index') restoreScroll();
  connect();
})();`;
