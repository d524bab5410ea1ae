// Local delivery in the browser: live maps (courier, stops, store) and the courier's position from the phone.
// The pages re-render the points; this file only draws them and reads the GPS.
(function () {
  'use strict';

  var colours = {
    store: '#0a7c66',
    home: '#f5a524',
    dropoff: '#f5a524',
    courier: '#2563eb',
    courierIdle: '#7c8799',
    late: '#c0392b'
  };

  function marker(map, p) {
    var m;
    if (p.number) {
      // A stop of the courier's route: its number in a pin of the stop's colour.
      m = L.marker([p.lat, p.lng], {
        icon: L.divIcon({ className: 'stop-pin ' + p.kind + (p.late ? ' late' : ''), html: String(p.number), iconSize: [24, 24], iconAnchor: [12, 12], tooltipAnchor: [0, -12] })
      });
    } else if (p.kind === 'courier' || p.kind === 'courierIdle') {
      m = L.marker([p.lat, p.lng], {
        icon: L.divIcon({ className: 'courier-pin' + (p.kind === 'courierIdle' ? ' idle' : ''), tooltipAnchor: [0, -15], html: '<svg viewBox="0 0 24 24" width="15" height="15" aria-hidden="true"><path fill="#fff" d="M12 2 20 21 12 16.5 4 21z"/></svg>', iconSize: [30, 30], iconAnchor: [15, 15] }),
        zIndexOffset: 1000
      });
    } else {
      m = L.circleMarker([p.lat, p.lng], {
        radius: p.kind === 'store' ? 9 : 7, color: '#fff', weight: 2,
        fillColor: p.late ? colours.late : (colours[p.kind] || '#555'), fillOpacity: 1
      });
    }
    if (p.label) { m.bindTooltip(p.label, { permanent: !!p.pinned, direction: 'top', offset: m instanceof L.CircleMarker ? [0, -8] : [0, 0] }); }
    return m.addTo(map);
  }

  // Draws (first call) or updates (later calls) a live map in el. points: [{id, kind, lat, lng, label?, late?, pinned?, number?}].
  function liveMap(el, points, tiles, attribution, subdomains) {
    if (!el || !window.L) { return; }
    var state = el._tandem;
    if (!state) {
      var map = L.map(el, { scrollWheelZoom: false, attributionControl: !!tiles, zoomControl: true });
      if (tiles) {
        var layer = L.tileLayer(tiles, { maxZoom: 18, attribution: attribution || '', subdomains: subdomains || 'abc' });
        layer.on('tileerror', function () { el.classList.add('tiles-failed'); });
        layer.addTo(map);
      }
      state = el._tandem = { map: map, markers: {}, fitted: '' };
      el.classList.add('live-map-ready');
    }
    var seen = {};
    (points || []).forEach(function (p) {
      seen[p.id] = true;
      var existing = state.markers[p.id];
      if (existing && existing._kind === p.kind && existing._late === !!p.late && existing._number === p.number) {
        existing.setLatLng([p.lat, p.lng]);
        if (p.label && existing.getTooltip()) { existing.setTooltipContent(p.label); }
      } else {
        if (existing) { existing.remove(); }
        var m = marker(state.map, p);
        m._kind = p.kind; m._late = !!p.late; m._number = p.number;
        state.markers[p.id] = m;
      }
    });
    Object.keys(state.markers).forEach(function (id) {
      if (!seen[id]) { state.markers[id].remove(); delete state.markers[id]; }
    });
    // Re-frame only when the set of points changes, so a moving courier does not make the map jump.
    var key = Object.keys(seen).sort().join(',');
    if (key !== state.fitted) {
      state.fitted = key;
      var bounds = (points || []).map(function (p) { return [p.lat, p.lng]; });
      if (bounds.length > 1) { state.map.fitBounds(bounds, { padding: [28, 28], maxZoom: 16 }); }
      else if (bounds.length === 1) { state.map.setView(bounds[0], 15); }
      else if (!state.map._loaded) { state.map.setView([30.2741, 120.1551], 13); }
    }
    setTimeout(function () { state.map.invalidateSize(); }, 0);
  }

  // The courier's phone: every `seconds`, the latest GPS fix goes to the page (and from there to the API).
  var gps = null;
  function startGps(dotnet, seconds) {
    stopGps();
    if (!navigator.geolocation) { dotnet.invokeMethodAsync('GpsStatus', 'unavailable'); return; }
    var state = gps = { latest: null, sent: null, watch: null, timer: null };
    function fix(pos) {
      state.latest = {
        lat: pos.coords.latitude, lng: pos.coords.longitude,
        at: new Date(pos.timestamp || Date.now()).toISOString(),
        accuracy: pos.coords.accuracy || null
      };
    }
    function fail(err) {
      dotnet.invokeMethodAsync('GpsStatus', err && err.code === 1 ? 'denied' : 'unavailable');
    }
    state.watch = navigator.geolocation.watchPosition(fix, fail, { enableHighAccuracy: true, maximumAge: 2000, timeout: 15000 });
    state.timer = setInterval(function () {
      // Some browsers report a watched position only when it changes: ask once more, then send the newest fix.
      navigator.geolocation.getCurrentPosition(fix, function () { }, { enableHighAccuracy: true, maximumAge: 1000, timeout: 5000 });
      var p = state.latest;
      if (p && (!state.sent || state.sent.at !== p.at || state.sent.lat !== p.lat || state.sent.lng !== p.lng)) {
        state.sent = p;
        dotnet.invokeMethodAsync('Position', p.lat, p.lng, p.at, p.accuracy).catch(function () { });
      }
    }, Math.max(1, seconds) * 1000);
  }

  function stopGps() {
    if (!gps) { return; }
    if (gps.watch !== null) { navigator.geolocation.clearWatch(gps.watch); }
    clearInterval(gps.timer);
    gps = null;
  }

  window.tandemDelivery = { liveMap: liveMap, startGps: startGps, stopGps: stopGps };
})();
