// The public map (/peta/): the filtered public reports as markers, from the page's GeoJSON endpoint (at
// most 2,000 a request). When the first answer was cut short, moving the map asks again for what is in view.
// Tiles only from ADUAN_MAP_TILES; without them a plain background with the markers.
(function () {
  "use strict";
  var box = document.getElementById("public-map");
  if (!box || typeof L === "undefined") return;
  var JAKARTA = [-6.2, 106.8456];
  var COLORS = { open: "#0b5cad", done: "#1e7a3a", other: "#7a828c" };
  var OPEN = ["menunggu", "koordinasi", "disposisi", "proses", "menunggu_validasi"];
  var note = document.getElementById("public-map-note");
  var map = L.map(box, { preferCanvas: true }).setView(JAKARTA, 11);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution || "" }).addTo(map);
  }
  var markers = L.featureGroup().addTo(map);
  var byViewport = false, pending = null, first = true;

  function say(text) { note.textContent = text || ""; }

  // Built from DOM nodes, not HTML strings: descriptions are residents' words, never markup.
  function popup(p) {
    var div = document.createElement("div");
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = box.dataset.textOpen + " " + p.ticket;
    div.appendChild(link);
    [p.status_label + (p.category ? " · " + p.category : ""), p.snippet].forEach(function (line) {
      var el = document.createElement("div");
      el.textContent = line;
      div.appendChild(el);
    });
    return div;
  }

  function color(status) {
    if (OPEN.indexOf(status) >= 0) return COLORS.open;
    return status === "selesai" ? COLORS.done : COLORS.other;
  }

  function draw(data) {
    markers.clearLayers();
    data.features.forEach(function (f) {
      var c = f.geometry.coordinates;
      L.circleMarker([c[1], c[0]], { radius: 7, color: "#fff", weight: 2, fillColor: color(f.properties.status), fillOpacity: 0.9 })
        .bindPopup(popup(f.properties))
        .addTo(markers);
    });
    if (first && data.features.length) map.fitBounds(markers.getBounds(), { padding: [20, 20], maxZoom: 15 });
    if (first && data.truncated) byViewport = true;
    first = false;
    say(data.truncated ? box.dataset.textTruncated
      : data.features.length ? data.features.length + " " + box.dataset.textCount : box.dataset.textEmpty);
  }

  function load() {
    var url = new URL(box.dataset.url, window.location.href);
    if (byViewport) url.searchParams.set("bbox", map.getBounds().toBBoxString());
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(url.toString(), { headers: { Accept: "application/json" }, signal: pending.signal })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(draw)
      .catch(function (error) { if (!error || error.name !== "AbortError") say(box.dataset.textError); });
  }

  map.on("moveend", function () { if (byViewport && !first) load(); });
  load();
})();
