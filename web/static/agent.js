// The agents' console, for a handoff's page and the inbox's pane alike (inbox.js uses
// window.DalilConsole): new messages appear in the transcript without a reload (from the
// agent's event stream, else by polling), the resolve form finds articles with
// /api/search and puts the customer's message the agent picks to teach the bot in an
// editable field, and the reply box takes saved replies (filled for the customer) and
// article links. Everything a customer typed is inserted with textContent, never as HTML.
// "Typing…" both ways: "the customer is typing…" under the transcript (the stream's
// "typing" events for a handoff the agent holds, else each poll), and a ping at most every
// 3 s while the holder's reply box has text (never the text itself).
(function () {
  "use strict";
  var HEADERS = {"Accept": "application/json"};

  // The agent's one event stream (GET /api/agent/events): "queue" when handoffs open, are
  // claimed, released or resolved; "messages" when a conversation the agent holds gets
  // new lines; "typing" when the customer of one starts or stops typing. Pages redraw at
  // once on an event; their timers stay as the fallback (EventSource reconnects by
  // itself after a drop; a new connection says again who is typing, so the typing
  // listeners hear {reset: true} first).
  var live = {open: false, mine: [], listeners: {queue: [], messages: [], typing: []}};
  // Return a function that stops calling ``fn`` for events called ``name``.
  live.listen = function (name, fn) {
    live.listeners[name].push(fn);
    return function () {
      var at = live.listeners[name].indexOf(fn);
      if (at >= 0) live.listeners[name].splice(at, 1);
    };
  };
  if (window.EventSource && (document.getElementById("transcript") || document.getElementById("inbox"))) {
    var source = new EventSource("/api/agent/events");
    source.onopen = function () {
      live.open = true;
      live.listeners.typing.slice().forEach(function (fn) { fn({reset: true}); });
    };
    source.onerror = function () { live.open = false; };
    ["queue", "messages", "typing"].forEach(function (name) {
      source.addEventListener(name, function (event) {
        var data = JSON.parse(event.data);
        if (name === "queue") live.mine = data.mine;
        live.listeners[name].slice().forEach(function (fn) { fn(data); });
      });
    });
  }

  // HH:MM in the team's time zone, as the server renders the earlier messages.
  var clockIn = function (zone) {
    return function (iso) {
      try {
        return new Intl.DateTimeFormat("en-GB", {hour: "2-digit", minute: "2-digit",
                                                 hourCycle: "h23", timeZone: zone}).format(new Date(iso));
      } catch (e) { return (iso || "").slice(11, 16); }
    };
  };

  // The transcript ``list`` (templates/agent/_conversation.html) kept current: ``add``
  // puts in the messages it does not show yet, in id order (a reply the agent just sent
  // may be drawn before the customer's line the stream brings, which came first);
  // ``onShown(newest id)`` is told whenever lines were added. ``stop`` ends its timer
  // and its listening (the inbox's pane is replaced).
  var mountTranscript = function (list, onShown) {
    var id = list.getAttribute("data-handoff");
    // "The customer is typing…": set only when it changes (announced once).
    var note = list.parentNode.querySelector(".typing-note");
    var setTyping = function (typing) {
      if (!note) return;
      var text = typing ? note.getAttribute("data-text") : "";
      if (note.textContent !== text) note.textContent = text;
    };
    var labels = JSON.parse(list.getAttribute("data-labels"));
    var clock = clockIn(list.getAttribute("data-zone") || "UTC");
    var shown = {};
    Array.prototype.forEach.call(list.children, function (li) { shown[li.getAttribute("data-id")] = true; });
    var item = function (m) {
      var li = document.createElement("li");
      li.className = "role-" + m.role;
      li.dir = "auto";
      li.setAttribute("data-id", String(m.id));
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
      return li;
    };
    var add = function (messages) {
      var newest = 0;
      messages.forEach(function (m) {
        if (shown[m.id]) return;
        shown[m.id] = true;
        var after = null;
        Array.prototype.some.call(list.children, function (li) {
          if (Number(li.getAttribute("data-id")) > m.id) { after = li; return true; }
          return false;
        });
        list.insertBefore(item(m), after);
        newest = Math.max(newest, m.id);
        if (m.role === "customer") setTyping(false);  // what they were typing has arrived
      });
      if (newest && onShown) onShown(newest);
    };
    var poll = function () {
      fetch("/api/agent/handoffs/" + id, {headers: HEADERS, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          add(data.messages);
          if (data.typing) setTyping(data.typing.typing);
        })
        .catch(function () {});
    };
    var unlisten = live.listen("messages", function (data) {
      if (String(data.handoff_id) === id) add(data.messages);
    });
    var unlistenTyping = live.listen("typing", function (data) {
      if (data.reset) setTyping(false);
      else if (String(data.handoff_id) === id) setTyping(data.typing);
    });
    // Polled while there is no stream, or the stream does not carry this handoff (one
    // the agent reads but does not hold).
    var timer = setInterval(function () {
      if (!live.open || live.mine.map(String).indexOf(id) < 0) poll();
    }, 3000);
    return {add: add, poll: poll, typing: setTyping,
            stop: function () { clearInterval(timer); unlisten(); unlistenTyping(); }};
  };

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

  // The reply box's saved replies and article links: either is put in at the cursor
  // (what the agent typed after it stays after it). A saved reply comes filled for
  // this customer (/api/agent/replies/ID/filled); placeholders left in it, such as
  // {order}, are for the agent: the box will not send while one is there (the server
  // refuses too, bot/desk/canned.py — the same rule). A refused submit is
  // preventDefault()ed, which the inbox's own sender looks at.
  var mountReplyTools = function (root) {
    var tools = root.querySelector("#canned");
    var box = root.querySelector("#reply-text");
    if (!tools || !box) return;
    tools.hidden = false;
    var problem = root.querySelector("#reply-problem");
    var PLACEHOLDER = /\{(\p{L}(?:[\p{L}\p{N}_\- ]{0,38}[\p{L}\p{N}_\-])?)\}/gu;
    box.addEventListener("input", function () { problem.hidden = true; });
    var insert = function (text) {
      problem.hidden = true;
      var start = box.selectionStart, end = box.selectionEnd;
      if (start == null) { start = end = box.value.length; }
      box.value = box.value.slice(0, start) + text + box.value.slice(end);
      box.dispatchEvent(new Event("input"));  // the inbox keeps the draft
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
    var pickReply = root.querySelector("#canned-pick");
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
    var site = tools.getAttribute("data-site"), root_ = tools.getAttribute("data-root") || "";
    articleSearch(root.querySelector("#link-search"), root.querySelector("#link-results"),
      function (hit) {
        var path = hit.url.indexOf(root_) === 0 ? hit.url.slice(root_.length) : hit.url;
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
  };

  // The resolve form: its article search, and "what teaches the bot": picking a
  // customer's message puts it in the text field, where the agent may reword it (the
  // field, when filled, is what the server learns); "teach nothing" empties it.
  var mountResolve = function (root) {
    var search = root.querySelector("#article-search");
    if (search) {
      var field = root.querySelector("#article-id");
      articleSearch(search, root.querySelector("#article-results"), function (hit) {
        field.value = hit.article_id;
        var radio = root.querySelector('input[name="outcome"][value="article"]');
        if (radio) radio.checked = true;
      });
    }
    var teach = root.querySelector("#teach");
    if (teach) {
      var edit = root.querySelector("#question-edit");
      var picked = teach.querySelector('input[name="question"]:checked');
      if (picked && !edit.value) edit.value = picked.value;
      Array.prototype.forEach.call(teach.querySelectorAll('input[name="question"]'), function (radio) {
        radio.addEventListener("change", function () { edit.value = radio.value; });
      });
    }
  };

  // The holder's reply box tells the customer they are typing: a ping (POST
  // .../typing) at most every TYPING_EVERY_MS while the box holds text, none for an empty
  // box; "stopped" when it is emptied, left, or its reply goes.
  var TYPING_EVERY_MS = 3000;
  var mountTypingPings = function (root) {
    var box = root.querySelector("#reply-text");
    var list = root.querySelector("#transcript");
    if (!box || !list) return;
    var path = "/api/agent/handoffs/" + list.getAttribute("data-handoff") + "/typing";
    var last = 0;
    var ping = function (typing) {
      fetch(path, {method: "POST", credentials: "same-origin", body: JSON.stringify({typing: typing}),
                   headers: {"Accept": "application/json", "Content-Type": "application/json",
                             "X-Requested-With": "XMLHttpRequest"}}).catch(function () {});
    };
    var stopped = function () {
      if (!last) return;
      last = 0;
      ping(false);
    };
    box.addEventListener("input", function () {
      if (!box.value.trim()) { stopped(); return; }
      if (Date.now() - last < TYPING_EVERY_MS) return;
      last = Date.now();
      ping(true);
    });
    box.addEventListener("blur", stopped);
    box.form.addEventListener("submit", stopped);
  };

  // Everything above on one handoff's parts under ``root``; returns the transcript's
  // handle (null without one).
  var mountPane = function (root, onShown) {
    var list = root.querySelector("#transcript");
    var transcript = list ? mountTranscript(list, onShown) : null;
    mountReplyTools(root);
    mountTypingPings(root);
    mountResolve(root);
    return transcript;
  };

  window.DalilConsole = {live: live, mountPane: mountPane, headers: HEADERS};
  // The inbox (inbox.js) mounts each pane it shows; a handoff's own page is one pane,
  // and reading it there counts as read in the inbox too (POST .../read).
  if (!document.getElementById("inbox")) {
    var page = document.getElementById("transcript");
    var read = function (newest) {
      if (!page || document.hidden) return;
      fetch("/api/agent/handoffs/" + page.getAttribute("data-handoff") + "/read", {
        method: "POST", credentials: "same-origin", body: JSON.stringify({message_id: newest}),
        headers: {"Accept": "application/json", "Content-Type": "application/json",
                  "X-Requested-With": "XMLHttpRequest"}}).catch(function () {});
    };
    mountPane(document, read);
    if (page) read(Number(page.getAttribute("data-last")) || 0);
  }
})();
