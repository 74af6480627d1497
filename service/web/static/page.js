// The timeline page's live updates: new events arrive over Server-Sent Events from
// GET /events/live (event name = event type, data = the event JSON, id = the feed cursor;
// EventSource resumes with Last-Event-ID by itself). On each, the page refetches itself and
// swaps in the parts marked data-refresh, keeping open entries open. As-of views stay still.
// The event types, and those the timeline shows, are the page's data-event-types and
// data-timeline-types (from the vocabulary and the timeline's read model).
(function () {
  "use strict";
  if (document.body.dataset.live !== "on" || !window.EventSource) return;

  var TYPES = (document.body.dataset.eventTypes || "").split(" ");
  var TIMELINE_TYPES = (document.body.dataset.timelineTypes || "").split(" ");
  var status = document.getElementById("live-status");
  var pending = null;
  var minPosition = 0;
  var waitingFor = [];

  function openEntries() {
    return Array.prototype.map.call(document.querySelectorAll("details[open]"), function (d) {
      return d.closest("[id]") && d.closest("[id]").id;
    });
  }

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var open = openEntries();
    var focused = document.activeElement && document.activeElement.closest("[id]");
    var focusedId = focused && focused.id;
    document.querySelectorAll("[data-refresh]").forEach(function (part) {
      var next = fresh.getElementById(part.id);
      if (next) part.replaceWith(next);
    });
    open.forEach(function (id) {
      var d = id && document.querySelector("#" + CSS.escape(id) + " > details");
      if (d) d.open = true;
    });
    if (focusedId) {
      var again = document.querySelector("#" + CSS.escape(focusedId) + " summary");
      if (again) again.focus();
    }
  }

  function refresh(attempt) {
    var url = new URL(window.location.href);
    if (minPosition) url.searchParams.set("min_position", String(minPosition));
    fetch(url, { headers: { Accept: "text/html" } })
      .then(function (response) {
        // 503 not-yet-visible: the read models have not folded the event yet; try again.
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        swap(html);
        var missing = waitingFor.filter(function (id) {
          return !document.querySelector('[data-event-id="' + id + '"]');
        });
        // An event for another agency never shows here; a few tries are enough for ours.
        if (missing.length && attempt < 5) {
          setTimeout(function () { refresh(attempt + 1); }, 400 * (attempt + 1));
          return;
        }
        waitingFor = [];
        if (status) status.textContent = "타임라인이 갱신되었습니다. Timeline updated.";
      })
      .catch(function () {
        if (attempt < 5) setTimeout(function () { refresh(attempt + 1); }, 1000);
      });
  }

  function onEvent(message) {
    var event = {};
    try { event = JSON.parse(message.data); } catch (error) { return; }
    if (typeof event.position === "number") minPosition = Math.max(minPosition, event.position);
    var id = event.event_id;
    if (id && TIMELINE_TYPES.indexOf(message.type) >= 0) waitingFor.push(id);
    clearTimeout(pending);
    pending = setTimeout(function () { refresh(0); }, 150);
  }

  var source = new EventSource("/events/live");
  TYPES.forEach(function (type) { source.addEventListener(type, onEvent); });
  source.addEventListener("message", onEvent);
})();
