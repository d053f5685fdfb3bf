// The case and validation pages: response templates fill the text they belong to; the case's point on a map.
(function () {
  "use strict";

  // Choosing a template puts its text in the action's reason or note; the officer edits it before sending.
  document.addEventListener("change", function (event) {
    var picker = event.target.closest && event.target.closest("select[data-fill]");
    if (!picker || !picker.value) return;
    var field = document.getElementById(picker.dataset.fill);
    if (field) {
      field.value = picker.value;
      field.focus();
    }
  });

  // The point, on tiles when the deployment names a tile server (ADUAN_MAP_TILES), else on a blank map with
  // the kelurahan's outline around it. No tiles are ever fetched from elsewhere.
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("case-map");
    if (!box || typeof L === "undefined") return;
    var point = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
    var map = L.map(box, { scrollWheelZoom: false }).setView(point, 16);
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution || "" }).addTo(map);
    }
    var outline = document.getElementById("case-map-boundary");
    if (outline) {
      var layer = L.geoJSON(JSON.parse(outline.textContent), { style: { weight: 2, fill: false } }).addTo(map);
      if (!box.dataset.tiles) map.fitBounds(layer.getBounds().pad(0.1));
    }
    L.circleMarker(point, { radius: 9, weight: 3 }).addTo(map).bindTooltip(point[0].toFixed(6) + ", " + point[1].toFixed(6));
  });
})();
