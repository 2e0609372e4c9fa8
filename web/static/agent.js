// The agents' console: new messages appear in the transcript without a reload, the
// queue refreshes itself, and the resolve form finds articles with /api/search.
// Everything a customer typed is inserted with textContent, never as HTML.
(function () {
  "use strict";
  var HEADERS = {"Accept": "application/json"};

  var transcript = document.getElementById("transcript");
  if (transcript) {
    var id = transcript.getAttribute("data-handoff");
    var labels = JSON.parse(transcript.getAttribute("data-labels"));
    var last = Number(transcript.getAttribute("data-last")) || 0;
    var zone = transcript.getAttribute("data-zone") || "UTC";
    // HH:MM in the team's time zone, as the server renders the earlier messages.
    var clock = function (iso) {
      try {
        return new Intl.DateTimeFormat("en-GB", {hour: "2-digit", minute: "2-digit",
                                                 hourCycle: "h23", timeZone: zone}).format(new Date(iso));
      } catch (e) { return (iso || "").slice(11, 16); }
    };
    var poll = function () {
      fetch("/api/agent/handoffs/" + id, {headers: HEADERS, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          data.messages.forEach(function (m) {
            if (m.id <= last) return;
            last = m.id;
            var li = document.createElement("li");
            li.className = "role-" + m.role;
            li.dir = "auto";
            var who = document.createElement("span");
            who.className = "who";
            var name = m.role !== "agent" ? (labels[m.role] || m.role)
              : m.agent === labels.me ? labels.you : (m.agent || labels.agent);
            who.textContent = name + " · ";
            var time = document.createElement("time");
            time.dateTime = m.created || "";
            time.textContent = clock(m.created);
            who.appendChild(time);
            li.appendChild(who);
            li.appendChild(document.createTextNode(m.text));
            transcript.appendChild(li);
          });
        })
        .catch(function () {});
    };
    setInterval(poll, 3000);
  }

  var refresh = document.querySelector("[data-refresh]");
  if (refresh) {
    setInterval(function () {
      if (!document.hidden) location.reload();
    }, Number(refresh.getAttribute("data-refresh")) * 1000);
  }

  var search = document.getElementById("article-search");
  if (search) {
    var results = document.getElementById("article-results");
    var field = document.getElementById("article-id");
    var timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = search.value.trim();
        results.textContent = "";
        if (!q) return;
        var url = "/api/search?source=suggest&limit=8&q=" + encodeURIComponent(q) + "&lang=" +
          encodeURIComponent(search.getAttribute("data-lang") || "ar");
        fetch(url, {headers: HEADERS}).then(function (r) { return r.ok ? r.json() : {results: []}; })
          .then(function (data) {
            results.textContent = "";
            data.results.forEach(function (hit) {
              var li = document.createElement("li");
              var button = document.createElement("button");
              button.type = "button";
              button.textContent = hit.title + " (" + hit.article_id + ")";
              button.addEventListener("click", function () {
                field.value = hit.article_id;
                var radio = document.querySelector('input[name="outcome"][value="article"]');
                if (radio) radio.checked = true;
              });
              li.appendChild(button);
              results.appendChild(li);
            });
          }).catch(function () {});
      }, 250);
    });
  }
})();
