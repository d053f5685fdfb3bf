// Live updates of a case page (docs/live.md): one EventSource on /api/v1/reports/{ticket}/stream keeps
// the status, the holder, the due date and the timeline current. EventSource reconnects by itself and
// resumes with Last-Event-ID; the page's first connection starts after the last event it shows.
(function () {
  "use strict";
  var root = document.getElementById("case-live");
  var config = document.getElementById("aduan-live-config");
  if (!root || !config || !window.EventSource) return;
  var live = JSON.parse(config.textContent);
  var timeline = document.getElementById("live-timeline");
  var note = document.getElementById("live-note");
  var english = (document.documentElement.lang || "id").indexOf("en") === 0;
  var zone = "Asia/Jakarta";
  var day = new Intl.DateTimeFormat(english ? "en-GB" : "id-ID", {
    timeZone: zone, day: "numeric", month: "short", year: "numeric",
  });
  var clock = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  var state = "";

  // As the page writes it ("1 Des 2026, 08:22 WIB").
  function stamp(iso) {
    if (!iso) return "";
    var at = new Date(iso);
    return day.format(at) + ", " + clock.format(at) + " WIB";
  }
  function word(map, code) { return map[code] || code; }
  function text(id, value) {
    var el = document.getElementById(id);
    if (el) el.textContent = value;
  }
  function say(next, message) {
    if (state === next) return;  // the note is a live region: announce changes only
    state = next;
    note.textContent = message;
  }

  function entry(data) {
    var li = document.createElement("li");
    li.dataset.eventId = data.id;
    var time = document.createElement("time");
    time.dateTime = data.at;
    time.textContent = stamp(data.at);
    var action = document.createElement("strong");
    action.textContent = word(live.actions, data.action);
    var who = document.createElement("div");
    who.className = "muted";
    who.textContent = (data.unit || data.holder || {}).name || "";
    li.append(time, action, " → " + word(live.statuses, data.status), who);
    if (data.note) {
      var p = document.createElement("p");
      p.style.whiteSpace = "pre-line";
      p.textContent = data.note;
      li.append(p);
    }
    return li;
  }

  function apply(event) {
    var data = JSON.parse(event.data);
    if (timeline.querySelector('[data-event-id="' + data.id + '"]')) return;
    timeline.append(entry(data));
    var now = data["case"];
    var badge = document.getElementById("live-status");
    badge.className = "badge status-" + now.status;
    badge.textContent = word(live.statuses, now.status);
    text("live-holder", now.holder.name);
    text("live-due", stamp(now.completion_due_at) || live.text.none);
    if (now.ews_date) {
      text("live-ews", now.ews_date);
      document.getElementById("live-ews").hidden = false;
      document.getElementById("live-ews-term").hidden = false;
    }
    state = "event";
    note.textContent = live.text.updated + " " + stamp(data.at) + ": " + word(live.actions, data.action);
  }

  var source = new EventSource(live.url);
  Object.keys(live.actions).forEach(function (action) { source.addEventListener(action, apply); });
  source.onmessage = apply;  // an event without a type (none are sent today)
  source.onopen = function () {
    root.dataset.live = "on";
    if (state !== "event") say("on", live.text.on);
  };
  source.onerror = function () {
    // CONNECTING: the browser retries after the server's retry: hint; CLOSED: it gave up (e.g. 404).
    root.dataset.live = source.readyState === EventSource.CLOSED ? "off" : "reconnecting";
    say(root.dataset.live, source.readyState === EventSource.CLOSED ? "" : live.text.reconnecting);
  };
})();
