// Tandem's small browser helpers: maps, "use my location", the order board's chime, printing.
// Pages work without this file; it only adds to them.
(function () {
  'use strict';

  function cookie(name) {
    var m = document.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
    return m ? decodeURIComponent(m[1]) : null;
  }

  function setCookie(name, value, maxAgeSeconds) {
    document.cookie = name + '=' + encodeURIComponent(value) + '; path=/; max-age=' + maxAgeSeconds + '; samesite=lax';
  }

  function locate(status) {
    if (!navigator.geolocation) { return; }
    if (status) { status.textContent = status.getAttribute('data-locating') || ''; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      setCookie('tandem_near', pos.coords.latitude.toFixed(5) + ',' + pos.coords.longitude.toFixed(5), 86400);
      location.reload();
    }, function () {
      // Refused or unavailable: remember it for a day and stay on the district centre.
      setCookie('tandem_geo', 'denied', 86400);
      if (status) { status.textContent = status.getAttribute('data-denied') || ''; }
    }, { timeout: 8000, maximumAge: 600000 });
  }

  function initLocate() {
    document.querySelectorAll('[data-tandem-locate]:not([data-ready])').forEach(function (button) {
      button.setAttribute('data-ready', '1');
      button.hidden = !navigator.geolocation;
      button.addEventListener('click', function () {
        locate(document.querySelector('[data-tandem-locate-status]'));
      });
    });
    var auto = document.querySelector('[data-tandem-autolocate]:not([data-ready])');
    if (auto) {
      auto.setAttribute('data-ready', '1');
      if (!cookie('tandem_near') && !cookie('tandem_geo')) { locate(document.querySelector('[data-tandem-locate-status]')); }
    }
  }

  function initMaps() {
    if (!window.L) { return; }
    document.querySelectorAll('[data-tandem-map]:not([data-ready])').forEach(function (el) {
      el.setAttribute('data-ready', '1');
      var points = JSON.parse(el.getAttribute('data-points') || '[]');
      var me = el.getAttribute('data-me') ? JSON.parse(el.getAttribute('data-me')) : null;
      var fallback = el.querySelector('.map-fallback');
      var holder = document.createElement('div');
      holder.style.position = 'absolute';
      holder.style.inset = '0';
      el.appendChild(holder);
      var map = L.map(holder, { scrollWheelZoom: false, attributionControl: true });
      var tiles = el.getAttribute('data-tiles');
      if (tiles) {
        var layer = L.tileLayer(tiles, {
          maxZoom: 18, attribution: el.getAttribute('data-attribution') || '',
          subdomains: el.getAttribute('data-subdomains') || 'abc'
        });
        // Tiles that cannot load leave the markers on the plain background.
        layer.on('tileerror', function () { el.classList.add('tiles-failed'); });
        layer.addTo(map);
      }
      var bounds = [];
      points.forEach(function (p) {
        var marker = L.circleMarker([p.lat, p.lng], { radius: 8, color: '#fff', weight: 2, fillColor: '#0a7c66', fillOpacity: 1 }).addTo(map);
        var link = document.createElement('a');
        link.href = p.href;
        link.textContent = p.name;
        marker.bindPopup(link);
        marker.bindTooltip(p.name);
        bounds.push([p.lat, p.lng]);
      });
      if (me) {
        L.circleMarker([me.lat, me.lng], { radius: 7, color: '#a86c00', weight: 2, fillColor: '#f5a524', fillOpacity: 1 }).addTo(map);
        bounds.push([me.lat, me.lng]);
      }
      if (bounds.length > 1) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 }); }
      else if (bounds.length === 1) { map.setView(bounds[0], 15); }
      else { map.setView([30.2741, 120.1551], 13); }
      if (fallback) { fallback.style.display = 'none'; }
    });
  }

  var audio = null;
  function chime() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [880, 1320].forEach(function (f, i) {
        var o = audio.createOscillator(), g = audio.createGain();
        o.frequency.value = f;
        o.connect(g); g.connect(audio.destination);
        var t = audio.currentTime + i * 0.18;
        g.gain.setValueAtTime(0.0001, t);
        g.gain.exponentialRampToValueAtTime(0.3, t + 0.02);
        g.gain.exponentialRampToValueAtTime(0.0001, t + 0.16);
        o.start(t); o.stop(t + 0.17);
      });
      window.tandemChimes = (window.tandemChimes || 0) + 1;
    } catch (e) { /* no audio here */ }
  }

  // The POS works from the keyboard. A USB scanner types digits and Enter faster than a round trip, so the
  // field is read and cleared here, at the Enter, and the code goes to the server in order.
  var posKeys = ['F2', 'F3', 'F4', 'Escape', '+', '-', '='];
  function pos(input, dotnet) {
    if (!input || input.getAttribute('data-pos-ready')) { return; }
    input.setAttribute('data-pos-ready', '1');
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') {
        e.preventDefault();
        var code = input.value.trim();
        input.value = '';
        dotnet.invokeMethodAsync('Scan', code);
      } else if (posKeys.indexOf(e.key) >= 0) {
        e.preventDefault();
        dotnet.invokeMethodAsync('Key', e.key);
      }
    });
    input.focus();
  }

  function init() { initLocate(); initMaps(); }

  window.tandem = {
    chime: chime,
    pos: pos,
    print: function () { window.print(); },
    focus: function (selector) { var el = document.querySelector(selector); if (el) { el.focus(); if (el.select) { el.select(); } } },
    title: function (text) { document.title = text; }
  };

  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', init); } else { init(); }
  if (window.Blazor && window.Blazor.addEventListener) { window.Blazor.addEventListener('enhancedload', init); }
  else { document.addEventListener('DOMContentLoaded', function () { if (window.Blazor && window.Blazor.addEventListener) { window.Blazor.addEventListener('enhancedload', init); } }); }
})();
