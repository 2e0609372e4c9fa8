// The agents' console: new messages appear in the transcript without a reload, the
// queue redraws its rows from /api/agent/handoffs (at once on the agent's event stream) (announcing new handoffs in the tab's
// title and to screen readers) with their team, level, service-level mark and transfer
// reason, and the resolve form finds articles with /api/search
// and puts the customer's message the agent picks to teach the bot in an editable field;
// the reply box takes saved replies (filled for the customer) and article links.
// Everything a customer typed is inserted with textContent, never as HTML.
(function () {
  "use strict";
  var HEADERS = {"Accept": "application/json"};

  // The agent's one event stream (GET /api/agent/events): "queue" when handoffs open, are
  // claimed, released or resolved; "messages" when a conversation the agent holds gets
  // new lines. The pages redraw at once on an event; their timers stay as the fallback
  // (EventSource reconnects by itself after a drop).
  var live = {open: false, mine: [], on: {}};
  if (window.EventSource && (document.getElementById("transcript") || document.getElementById("queue"))) {
    var source = new EventSource("/api/agent/events");
    source.onopen = function () { live.open = true; };
    source.onerror = function () { live.open = false; };
    ["queue", "messages"].forEach(function (name) {
      source.addEventListener(name, function (event) {
        var data = JSON.parse(event.data);
        if (name === "queue") live.mine = data.mine;
        (live.on[name] || function () {})(data);
      });
    });
  }

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
    live.on.messages = function (data) { if (String(data.handoff_id) === id) poll(); };
    // Polled while there is no stream, or the stream does not carry this handoff (one
    // the agent reads but does not hold).
    setInterval(function () {
      if (!live.open || live.mine.map(String).indexOf(id) < 0) poll();
    }, 3000);
  }

  var queue = document.getElementById("queue");
  if (queue) {
    var S = JSON.parse(queue.getAttribute("data-strings"));
    var body = queue.querySelector("tbody");
    var table = queue.querySelector("table");
    var empty = document.getElementById("queue-empty");
    var news = document.getElementById("queue-news");
    var title = document.title;
    var fill = function (text, values) {
      return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
    };
    var known = {};
    Array.prototype.forEach.call(body.rows, function (tr) { known[tr.getAttribute("data-id")] = true; });
    var unseen = 0;
    // The same rules as web/i18n.py's duration(), so a redrawn row reads like the page.
    var waited = function (seconds) {
      var minutes = Math.floor(seconds / 60);
      if (seconds < 60) return fill(S.ins_seconds, {n: seconds});
      if (minutes < 60) return fill(S.agent_minutes, {minutes: minutes});
      if (minutes < 1440) return fill(S.agent_hours, {hours: Math.floor(minutes / 60), minutes: minutes % 60});
      return fill(S.ins_days_hours, {days: Math.floor(minutes / 1440), hours: Math.floor(minutes % 1440 / 60)});
    };
    var cell = function (tr, text, attrs) {
      var td = document.createElement("td");
      Object.keys(attrs || {}).forEach(function (k) { td.setAttribute(k, attrs[k]); });
      if (text != null) td.textContent = text;
      tr.appendChild(td);
      return td;
    };
    var row = function (h) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-id", String(h.id));
      var link = document.createElement("a");
      link.href = "/agent/handoffs/" + h.id;
      link.textContent = fill(S.agent_handoff, {id: h.id});
      var first = cell(tr);
      first.appendChild(link);
      // Where it is (team, level), its service-level mark and the last transfer's reason,
      // as the page renders them (templates/agent/queue.html).
      var span = function (className, text) {
        var el = document.createElement("span");
        el.className = className;
        el.textContent = text;
        first.appendChild(document.createTextNode(" "));
        first.appendChild(el);
        return el;
      };
      span("desk-where", (h.team_title || h.team || S.desk_no_team) + " · " +
        (h.level_title || fill(S.desk_level_name, {level: h.level})));
      if (h.sla && h.status !== "resolved") {
        span("sla sla-" + h.sla.state, S["desk_sla_" + h.sla.state]).title = h.sla.resolution_due;
      }
      if (h.transfer) span("desk-reason", "↪ " + h.transfer.reason).dir = "auto";
      cell(tr, waited(h.waiting_seconds));
      cell(tr, h.lang);
      cell(tr, h.first_question || S.agent_no_question, {"class": "question", dir: "auto"});
      cell(tr, S["reason_" + String(h.reason).replace(/ /g, "_")] || h.reason);
      var list = document.createElement("ol");
      list.className = "candidates";
      h.candidates.slice(0, 3).forEach(function (c) {
        var li = document.createElement("li");
        li.textContent = c.title + " (" + c.score.toFixed(2) + ")";
        list.appendChild(li);
      });
      cell(tr).appendChild(list);
      cell(tr, S["handoff_state_" + h.status] + (h.assignee ? " · " + h.assignee : "") +
        (h.outcome ? " · " + S["outcome_" + h.outcome] : ""));
      return tr;
    };
    var seen = function () {
      if (document.hidden || !unseen) return;
      unseen = 0;
      document.title = title;
    };
    var refreshQueue = function () {
      var url = "/api/agent/handoffs?status=" + encodeURIComponent(queue.getAttribute("data-status")) +
        "&lang=" + encodeURIComponent(queue.getAttribute("data-lang")) +
        (queue.getAttribute("data-team") ? "&team=" + encodeURIComponent(queue.getAttribute("data-team")) : "");
      fetch(url, {headers: HEADERS, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          var fresh = 0;
          body.textContent = "";
          data.handoffs.forEach(function (h) {
            if (!known[h.id]) { known[h.id] = true; fresh += 1; }
            body.appendChild(row(h));
          });
          table.hidden = !data.handoffs.length;
          empty.hidden = !!data.handoffs.length;
          if (!fresh) return;
          unseen += fresh;
          document.title = "(" + unseen + ") " + title;
          news.textContent = fill(S.agent_new_handoffs, {count: fresh});
        })
        .catch(function () {});
    };
    // Counted in the title until the agent comes back to the page.
    document.addEventListener("visibilitychange", seen);
    window.addEventListener("focus", seen);
    document.addEventListener("click", seen);
    document.addEventListener("keydown", seen);
    live.on.queue = refreshQueue;  // a change redraws at once; the timer ticks the waits
    setInterval(refreshQueue, Number(queue.getAttribute("data-poll")) * 1000);
  }

  // The help center's search as the agent types (/api/search): ``pick`` gets the hit
  // the agent chooses. The resolve form's article field and the reply box's article
  // link both use it.
  var articleSearch = function (input, results, pick) {
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        results.textContent = "";
        if (!q) return;
        var url = "/api/search?source=suggest&limit=8&q=" + encodeURIComponent(q) + "&lang=" +
          encodeURIComponent(input.getAttribute("data-lang") || "ar");
        fetch(url, {headers: HEADERS}).then(function (r) { return r.ok ? r.json() : {results: []}; })
          .then(function (data) {
            results.textContent = "";
            data.results.forEach(function (hit) {
              var li = document.createElement("li");
              var button = document.createElement("button");
              button.type = "button";
              button.textContent = hit.title + " (" + hit.article_id + ")";
              button.addEventListener("click", function () { pick(hit); });
              li.appendChild(button);
              results.appendChild(li);
            });
          }).catch(function () {});
      }, 250);
    });
  };

  var search = document.getElementById("article-search");
  if (search) {
    var field = document.getElementById("article-id");
    articleSearch(search, document.getElementById("article-results"), function (hit) {
      field.value = hit.article_id;
      var radio = document.querySelector('input[name="outcome"][value="article"]');
      if (radio) radio.checked = true;
    });
  }

  // The reply box's saved replies and article links: either is put in at the cursor
  // (what the agent typed after it stays after it). A saved reply comes filled for
  // this customer (/api/agent/replies/ID/filled); placeholders left in it, such as
  // {order}, are for the agent: the box will not send while one is there (the server
  // refuses too, bot/desk/canned.py — the same rule).
  var tools = document.getElementById("canned");
  var box = document.getElementById("reply-text");
  if (tools && box) {
    tools.hidden = false;
    var problem = document.getElementById("reply-problem");
    var PLACEHOLDER = /\{(\p{L}(?:[\p{L}\p{N}_\- ]{0,38}[\p{L}\p{N}_\-])?)\}/gu;
    box.addEventListener("input", function () { problem.hidden = true; });
    var insert = function (text) {
      problem.hidden = true;
      var start = box.selectionStart, end = box.selectionEnd;
      if (start == null) { start = end = box.value.length; }
      box.value = box.value.slice(0, start) + text + box.value.slice(end);
      box.focus();
      var first = text.search(PLACEHOLDER);
      // Select the first placeholder left, so typing fills it; else the cursor goes after.
      if (first >= 0) {
        var match = text.match(PLACEHOLDER)[0];
        box.setSelectionRange(start + first, start + first + match.length);
      } else {
        box.setSelectionRange(start + text.length, start + text.length);
      }
    };
    var pickReply = document.getElementById("canned-pick");
    pickReply.addEventListener("change", function () {
      var id = pickReply.value;
      if (!id) return;
      fetch("/api/agent/replies/" + encodeURIComponent(id) + "/filled?handoff_id=" +
            encodeURIComponent(tools.getAttribute("data-handoff")),
            {headers: HEADERS, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          pickReply.value = "";
          if (data) insert(data.text);
        }).catch(function () {});
    });
    var site = tools.getAttribute("data-site"), root = tools.getAttribute("data-root") || "";
    articleSearch(document.getElementById("link-search"), document.getElementById("link-results"),
      function (hit) {
        var path = hit.url.indexOf(root) === 0 ? hit.url.slice(root.length) : hit.url;
        insert(hit.title + ": " + site + path);
      });
    box.form.addEventListener("submit", function (event) {
      var left = [];
      (box.value.match(PLACEHOLDER) || []).forEach(function (p) { if (left.indexOf(p) < 0) left.push(p); });
      if (!left.length) { problem.hidden = true; return; }
      event.preventDefault();
      problem.textContent = tools.getAttribute("data-unfilled").replace("{names}", left.join(", "));
      problem.hidden = false;
      var at = box.value.indexOf(left[0]);
      box.focus();
      box.setSelectionRange(at, at + left[0].length);
    });
  }

  // The resolve form's "what teaches the bot": picking a customer's message puts it in
  // the text field, where the agent may reword it (the field, when filled, is what the
  // server learns); "teach nothing" empties it.
  var teach = document.getElementById("teach");
  if (teach) {
    var edit = document.getElementById("question-edit");
    var picked = teach.querySelector('input[name="question"]:checked');
    if (picked && !edit.value) edit.value = picked.value;
    Array.prototype.forEach.call(teach.querySelectorAll('input[name="question"]'), function (radio) {
      radio.addEventListener("change", function () { edit.value = radio.value; });
    });
  }
})();
