// The report form's enhancements; without them the form still posts everything. A pin on a Leaflet map
// (tiles only from ADUAN_MAP_TILES; without them a plain background, the marker and its coordinates),
// "Gunakan lokasi saya", the first photo's GPS as the pin, suggested categories that fill the select, and
// only the chosen contact's field shown. The similar reports are htmx (the lat/lon "change" events).
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var lat = document.getElementById("id_lat");
  var lon = document.getElementById("id_lon");
  var box = document.getElementById("file-map");
  var coords = document.getElementById("file-map-coords");
  var photoNote = document.getElementById("photo-point-note");
  var JAKARTA = [-6.2, 106.8456];
  // DKI Jakarta with Kepulauan Seribu (as services/reports.py JAKARTA_BOUNDS): south, north, west, east.
  var BOUNDS = [-6.45, -5.1, 106.3, 107.05];
  var map = null, marker = null, fromPhoto = false;

  function inJakarta(a, b) { return a >= BOUNDS[0] && a <= BOUNDS[1] && b >= BOUNDS[2] && b <= BOUNDS[3]; }

  function current() {
    var a = parseFloat(lat.value), b = parseFloat(lon.value);
    return isFinite(a) && isFinite(b) && Math.abs(a) <= 90 && Math.abs(b) <= 180 ? [a, b] : null;
  }

  function showCoords() {
    if (!coords || !box) return;
    var p = current();
    coords.textContent = p ? box.dataset.textCoords + ": " + p[0].toFixed(6) + ", " + p[1].toFixed(6) : box.dataset.textTap;
  }

  // Fill the fields as a typing person would, so that htmx looks for similar reports near the new point.
  function setPoint(a, b, source) {
    lat.value = a.toFixed(6);
    lon.value = b.toFixed(6);
    fromPhoto = source === "photo";
    if (photoNote) photoNote.hidden = !fromPhoto;
    placeMarker([a, b], true);
    showCoords();
    lat.dispatchEvent(new Event("change", { bubbles: true }));
    lon.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function placeMarker(point, pan) {
    if (!map) return;
    if (!marker) {
      marker = L.marker(point, { draggable: true, autoPan: true, keyboard: true }).addTo(map);
      marker.on("dragend", function () {
        var p = marker.getLatLng();
        setPoint(p.lat, p.lng, "map");
      });
    } else {
      marker.setLatLng(point);
    }
    if (pan) map.setView(point, Math.max(map.getZoom(), 16));
  }

  function startMap() {
    if (!box || typeof L === "undefined") return;
    box.hidden = false;
    var start = current();
    map = L.map(box, { scrollWheelZoom: false, attributionControl: !!box.dataset.tiles });
    map.setView(start || JAKARTA, start ? 16 : 11);
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution || "" }).addTo(map);
    }
    if (start) placeMarker(start, false);
    map.on("click", function (event) { setPoint(event.latlng.lat, event.latlng.lng, "map"); });
    showCoords();
  }

  // Typed coordinates move the marker too.
  [lat, lon].forEach(function (input) {
    input.addEventListener("input", function () {
      var p = current();
      fromPhoto = false;
      if (photoNote) photoNote.hidden = true;
      if (p) placeMarker(p, true);
      showCoords();
    });
  });

  // "Gunakan lokasi saya"
  var locate = document.getElementById("use-location");
  var status = document.getElementById("location-status");
  if (locate && "geolocation" in navigator) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      status.textContent = status.dataset.textSearching;
      navigator.geolocation.getCurrentPosition(function (pos) {
        setPoint(pos.coords.latitude, pos.coords.longitude, "device");
        status.textContent = status.dataset.textFound;
      }, function () {
        status.textContent = status.dataset.textFailed;
      }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }

  // The first photo's EXIF GPS, read in the browser, pins the point when none is set yet (the server does
  // the same when the form arrives without a point; it also strips the data from the stored photo).
  function gpsFromJpeg(buffer) {
    var view = new DataView(buffer);
    if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return null;
    var offset = 2;
    while (offset + 4 <= view.byteLength) {
      var segment = view.getUint16(offset);
      var size = view.getUint16(offset + 2);
      if (segment === 0xffe1 && view.getUint32(offset + 4) === 0x45786966) return gpsFromTiff(view, offset + 10);
      if ((segment & 0xff00) !== 0xff00 || segment === 0xffda) return null;
      offset += 2 + size;
    }
    return null;
  }

  function gpsFromTiff(view, tiff) {
    var little = view.getUint16(tiff) === 0x4949;
    function u16(at) { return view.getUint16(at, little); }
    function u32(at) { return view.getUint32(at, little); }
    function entries(ifd) {
      var found = {}, count = u16(tiff + ifd);
      for (var i = 0; i < count; i++) {
        var at = tiff + ifd + 2 + i * 12;
        found[u16(at)] = { type: u16(at + 2), count: u32(at + 4), at: at + 8 };
      }
      return found;
    }
    function rationals(entry) {
      var base = tiff + u32(entry.at), out = [];
      for (var i = 0; i < entry.count && i < 3; i++) {
        var den = u32(base + i * 8 + 4);
        out.push(den ? u32(base + i * 8) / den : 0);
      }
      return out[0] + (out[1] || 0) / 60 + (out[2] || 0) / 3600;
    }
    function letter(entry) { return entry ? String.fromCharCode(view.getUint8(entry.at)) : ""; }
    try {
      var gpsPointer = entries(u32(tiff + 4))[0x8825];
      if (!gpsPointer) return null;
      var gps = entries(u32(gpsPointer.at));
      if (!gps[2] || !gps[4]) return null;
      var a = rationals(gps[2]) * (letter(gps[1]) === "S" ? -1 : 1);
      var b = rationals(gps[4]) * (letter(gps[3]) === "W" ? -1 : 1);
      return isFinite(a) && isFinite(b) && !(a === 0 && b === 0) ? [a, b] : null;
    } catch (error) {
      return null; // a truncated or odd EXIF block: no point from it
    }
  }

  var photos = document.getElementById("id_photos");
  if (photos && window.FileReader && window.DataView) {
    photos.addEventListener("change", function () {
      var file = photos.files && photos.files[0];
      if (!file || !/jpe?g$/i.test(file.type || file.name)) return;
      if (current() && !fromPhoto) return; // the reporter's own pin wins
      var reader = new FileReader();
      reader.onload = function () {
        var point = gpsFromJpeg(reader.result);
        if (point && inJakarta(point[0], point[1])) setPoint(point[0], point[1], "photo");
      };
      reader.readAsArrayBuffer(file.slice(0, 256 * 1024));
    });
  }

  // A suggested category fills the select (and asks again for similar reports of that category).
  form.addEventListener("click", function (event) {
    var chip = event.target.closest && event.target.closest("[data-category]");
    if (!chip) return;
    var select = document.getElementById("id_category");
    select.value = chip.dataset.category;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    Array.prototype.forEach.call(form.querySelectorAll("[data-category]"), function (other) {
      other.setAttribute("aria-pressed", other === chip ? "true" : "false");
    });
  });

  // Only the chosen contact's field is shown; the server keeps only that one too.
  var FIELDS = { email: ["id_reporter_name", "id_reporter_email"], phone: ["id_reporter_name", "id_reporter_phone"], none: [] };
  function showContact() {
    var chosen = form.querySelector("input[name=contact]:checked");
    if (!chosen) return;
    ["id_reporter_name", "id_reporter_email", "id_reporter_phone"].forEach(function (id) {
      var input = document.getElementById(id);
      var block = input && input.closest(".field");
      if (block) block.hidden = FIELDS[chosen.value].indexOf(id) < 0;
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "contact") showContact();
  });
  showContact();

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startMap);
  else startMap();
})();
