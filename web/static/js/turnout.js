// Live turnout: the ballot page shows it over server-sent events (htmx's sse extension on
// .turnout-live). When the stream fails (htmx:sseError: refused, cut, or reconnecting) or goes quiet
// for longer than its heartbeat allows (a proxy holding it up), the fragment is fetched and, as
// served with polling on, refreshes itself every few seconds. The next event that does arrive over
// the stream swaps in the plain fragment, which ends the polling. Once voting has closed the stream
// says so (its "closed" event, on which sse-close stops the browser reconnecting) and the fragment
// stops polling too.
(function () {
  "use strict";
  // the stream sends an "alive" event after 10 s without news (server/views/ballots.py STREAM_HEARTBEAT_S)
  var QUIET_MS = 25000;

  function watch(live) {
    var timer = null;
    var closed = false;

    function poll() {
      var shown = live.querySelector(".turnout");
      if (closed || !shown || shown.hasAttribute("hx-get")) { return; }  // done, or already polling
      window.htmx.ajax("GET", live.dataset.turnoutPoll, {target: shown, swap: "outerHTML"});
    }

    function heard() {
      window.clearTimeout(timer);
      if (!closed) { timer = window.setTimeout(poll, QUIET_MS); }
    }

    live.addEventListener("htmx:sseError", poll);
    live.addEventListener("htmx:sseOpen", function (event) {
      event.detail.source.addEventListener("alive", heard);
      heard();
    });
    live.addEventListener("htmx:sseMessage", heard);
    live.addEventListener("htmx:sseClose", function (event) {
      if (event.detail && event.detail.type === "message") {
        closed = true;
        window.clearTimeout(timer);
      }
    });
    heard();
  }

  function start() {
    if (!window.htmx) { return; }
    Array.prototype.forEach.call(document.querySelectorAll(".turnout-live[data-turnout-poll]"), watch);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
