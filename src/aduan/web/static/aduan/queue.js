// The queue's map. Leaflet is loaded the first time the map is opened; the markers then follow the
// filters (the list fragment carries the URL of its map data). Everything else on the page is htmx.
(function () {
  "use strict";
  // Only the filters in use go into the request and the pushed URL: a shorter link to share.
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.id !== "queue-filters") return;
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (name) {
      if (params[name] === "") delete params[name];
    });
  });

  var box = document.getElementById("queue-map");
  if (!box) return;
  var JAKARTA = [-6.2, 106.85];
  var COLORS = { late: "#b3261e", flag: "#9a5b00", open: "#0b5cad" };
  var map = null, markers = null, outlined = false, loading = null;

  function note(text) { document.getElementById("queue-map-note").textContent = text || ""; }

  function load(tag, attrs) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(tag);
      Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
      el.onload = resolve;
      el.onerror = reject;
      document.head.appendChild(el);
    });
  }

  function leaflet() {
    if (!loading) {
      loading = Promise.all([
        load("link", { rel: "stylesheet", href: box.dataset.leafletCss }),
        load("script", { src: box.dataset.leafletJs }),
      ]);
    }
    return loading;
  }

  function dataUrl(withOutline) {
    var holder = document.querySelector("#queue-results [data-map-url]");
    var url = new URL(holder ? holder.dataset.mapUrl : "peta.json", window.location.href);
    if (withOutline) url.searchParams.set("outline", "1");
    return url.toString();
  }

  // Built from DOM nodes, not HTML strings: category names are data, never markup.
  function popup(p) {
    var div = document.createElement("div");
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = box.dataset.textOpen + " " + p.ticket;
    div.appendChild(link);
    [p.category, p.status_label + " · " + p.due].forEach(function (line) {
      var el = document.createElement("div");
      el.textContent = line;
      div.appendChild(el);
    });
    return div;
  }

  function draw(data) {
    markers.clearLayers();
    var bounds = [];
    if (data.outline && !outlined) {
      var shape = L.geoJSON(data.outline, { style: { color: "#5b6470", weight: 2, fill: false } }).addTo(map);
      bounds.push(shape.getBounds());
      outlined = true;
    }
    data.features.forEach(function (f) {
      var p = f.properties;
      var c = f.geometry.coordinates;
      var color = p.overdue ? COLORS.late : p.red_flag ? COLORS.flag : COLORS.open;
      L.circleMarker([c[1], c[0]], { radius: 8, color: "#fff", weight: 2, fillColor: color, fillOpacity: 0.9 })
        .bindPopup(popup(p))
        .addTo(markers);
    });
    if (data.features.length) bounds.push(markers.getBounds());
    if (bounds.length) {
      var all = bounds[0];
      bounds.slice(1).forEach(function (b) { all.extend(b); });
      map.fitBounds(all, { padding: [20, 20], maxZoom: 16 });
    }
    note(data.truncated ? box.dataset.textTruncated : data.features.length ? "" : box.dataset.textEmpty);
  }

  function refresh(withOutline) {
    fetch(dataUrl(withOutline), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(draw)
      .catch(function () { note(box.dataset.textError); });
  }

  function start() {
    map = L.map("queue-map-canvas", { preferCanvas: true }).setView(JAKARTA, 11);
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution || "" }).addTo(map);
    }
    markers = L.featureGroup().addTo(map);
    refresh(true);
  }

  box.addEventListener("toggle", function () {
    if (!box.open) return;
    if (map) { map.invalidateSize(); return; }
    leaflet().then(start, function () { note(box.dataset.textError); });
  });

  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (map && box.open && event.target && event.target.id === "queue-results") refresh(false);
  });
})();
