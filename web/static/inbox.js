// The three-pane inbox (/agent, templates/agent/inbox.html): the queue and the agent's
// own conversations on the left, redrawn from /api/agent/handoffs when the agent's
// event stream says the queue changed (every few seconds while it is down), with unread
// counts and waiting times that tick each second from the server's clock; the open
// conversation in the middle and its customer on the right, fetched as one HTML
// fragment (GET /agent/handoffs/<id>/pane: the same partials as the handoff's own page)
// and switched without a reload. The address follows (?open=<id>, so reload and back
// work); each conversation's draft is kept in sessionStorage until it is sent; replies
// go through the JSON API and appear at once; keyboard shortcuts (the "?" dialog).
// Customer text is only ever set with textContent; the pane's HTML is the server's,
// escaped by Jinja.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var inbox = document.getElementById("inbox");
  var Console = window.DalilConsole;
  if (!inbox || !Console) return;
  var S = JSON.parse(inbox.getAttribute("data-strings"));
  var agent = inbox.getAttribute("data-agent");
  var lang = inbox.getAttribute("data-lang");
  var team = inbox.getAttribute("data-team");
  var openArea = document.getElementById("inbox-open");
  var news = document.getElementById("queue-news");
  var XHR = {"Accept": "application/json", "Content-Type": "application/json",
             "X-Requested-With": "XMLHttpRequest"};
  // The server's clock less this browser's: waiting times tick from the server's own.
  var skew = Date.parse(inbox.getAttribute("data-now")) - Date.now() || 0;
  var state = {list: inbox.getAttribute("data-status"), open: null, pane: null, loading: 0};
  var title = document.title, unseen = 0, known = {};

  var fill = function (text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  };
  // The same rules as web/i18n.py's duration(), so a redrawn card reads like the page.
  var waited = function (seconds) {
    var minutes = Math.floor(seconds / 60);
    if (seconds < 60) return fill(S.ins_seconds, {n: seconds});
    if (minutes < 60) return fill(S.agent_minutes, {minutes: minutes});
    if (minutes < 1440) return fill(S.agent_hours, {hours: Math.floor(minutes / 60), minutes: minutes % 60});
    return fill(S.ins_days_hours, {days: Math.floor(minutes / 1440), hours: Math.floor(minutes % 1440 / 60)});
  };
  var el = function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  };
  var post = function (path, body) {
    return fetch(path, {method: "POST", credentials: "same-origin", headers: XHR,
                        body: JSON.stringify(body || {})})
      .then(function (r) {
        return r.json().catch(function () { return {}; })
          .then(function (data) { return {ok: r.ok, status: r.status, data: data}; });
      });
  };

  // --- the lists ------------------------------------------------------------------------------

  var listOf = function (name) { return document.getElementById("list-" + name); };
  var cards = function () {
    var list = listOf(state.list);
    return list ? Array.prototype.slice.call(list.querySelectorAll(".inbox-card")) : [];
  };
  Array.prototype.forEach.call(document.querySelectorAll("#list-open .inbox-card"), function (li) {
    known[li.getAttribute("data-id")] = true;
  });

  var unreadBadge = function (count) {
    var badge = el("span", "unread");
    badge.title = fill(S.inbox_unread, {count: count});
    var shown = el("span", null, String(count));
    shown.setAttribute("aria-hidden", "true");
    badge.appendChild(shown);
    badge.appendChild(el("span", "visually-hidden", fill(S.inbox_unread, {count: count})));
    return badge;
  };
  // One card, as templates/agent/_card.html draws it.
  var card = function (h) {
    var li = el("li", "inbox-card" + (h.unread ? " has-unread" : "") +
                (String(h.id) === state.open ? " is-open" : ""));
    li.setAttribute("data-id", String(h.id));
    var link = el("a", "card-link");
    link.href = "/agent/handoffs/" + h.id;
    if (String(h.id) === state.open) link.setAttribute("aria-current", "true");
    var top = el("span", "card-top");
    var name = el("strong", "card-name", h.name || S.inbox_customer);
    name.dir = "auto";
    top.appendChild(name);
    if (h.channel && h.channel !== "web") {  // a mail or a messaging app's conversation
      top.appendChild(document.createTextNode(" "));
      top.appendChild(el("span", "channel-badge", S["ins_channel_" + h.channel] || h.channel));
    }
    if (h.unread) { top.appendChild(document.createTextNode(" ")); top.appendChild(unreadBadge(h.unread)); }
    link.appendChild(top);
    var question = el("span", "card-question", h.first_question || S.agent_no_question);
    question.dir = "auto";
    link.appendChild(question);
    var meta = el("span", "card-meta");
    meta.appendChild(el("span", "desk-where", (h.team_title || h.team || S.desk_no_team) + " · " +
      (h.level_title || fill(S.desk_level_name, {level: h.level}))));
    var part = function (node) { meta.appendChild(document.createTextNode(" ")); meta.appendChild(node); };
    if (h.sla && h.status !== "resolved") {
      var sla = el("span", "sla sla-" + h.sla.state, S["desk_sla_" + h.sla.state]);
      sla.title = h.sla.resolution_due;
      part(sla);
    }
    var wait = el("span", "waited", fill(h.status === "open" ? S.inbox_waited : S.inbox_waited_for,
                                          {time: waited(h.waiting_seconds)}));
    if (h.status === "open") wait.setAttribute("data-since", h.created);
    part(wait);
    if (h.status === "resolved") {
      part(el("span", null, S.handoff_state_resolved + (h.assignee ? " · " + h.assignee : "") +
                            (h.outcome ? " · " + S["outcome_" + h.outcome] : "")));
    }
    link.appendChild(meta);
    if (h.transfer) {
      var reason = el("span", "desk-reason", "↪ " + h.transfer.reason);
      reason.dir = "auto";
      link.appendChild(reason);
    }
    li.appendChild(link);
    return li;
  };

  var tick = function () {
    var now = Date.now() + skew;
    Array.prototype.forEach.call(inbox.querySelectorAll(".waited[data-since]"), function (span) {
      var seconds = Math.max(0, Math.floor((now - Date.parse(span.getAttribute("data-since"))) / 1000));
      span.textContent = fill(S.inbox_waited, {time: waited(seconds)});
    });
  };

  var seen = function () {
    if (document.hidden || !unseen) return;
    unseen = 0;
    document.title = title;
  };
  // Counted in the title until the agent comes back to the page.
  document.addEventListener("visibilitychange", seen);
  window.addEventListener("focus", seen);
  document.addEventListener("click", seen);
  document.addEventListener("keydown", seen);

  // Each list's newest request, and the newest whose answer is drawn: redraws overlap (the
  // stream's first event, a change a moment later, the timer), and an older answer that
  // comes back last must not put back a list without the handoff that just opened.
  var asked = {}, drawn = {};
  var refresh = function (name) {
    var list = listOf(name);
    if (!list) return Promise.resolve();
    var url = "/api/agent/handoffs?status=" + name + "&lang=" + encodeURIComponent(lang) +
      (team ? "&team=" + encodeURIComponent(team) : "");
    var ticket = asked[name] = (asked[name] || 0) + 1;
    return fetch(url, {headers: Console.headers, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || ticket < (drawn[name] || 0)) return;
        drawn[name] = ticket;
        if (data.now) skew = Date.parse(data.now) - Date.now();
        var focused = document.activeElement && document.activeElement.closest &&
          document.activeElement.closest(".inbox-card");
        var focusedId = focused && list.contains(focused) ? focused.getAttribute("data-id") : null;
        var fresh = 0;
        list.textContent = "";
        data.handoffs.forEach(function (h) {
          if (name === "open" && !known[h.id]) { known[h.id] = true; fresh += 1; }
          list.appendChild(card(h));
        });
        if (focusedId) {
          var again = list.querySelector('.inbox-card[data-id="' + focusedId + '"] a');
          if (again) again.focus();
        }
        document.getElementById("empty-" + name).hidden = !!data.handoffs.length;
        var count = document.getElementById("count-" + name);
        if (count) count.textContent = String(data.handoffs.length);
        tick();
        if (!fresh) return;
        unseen += fresh;
        document.title = "(" + unseen + ") " + title;
        news.textContent = fill(S.agent_new_handoffs, {count: fresh});
      })
      .catch(function () {});
  };
  var refreshAll = function () {
    return Promise.all(["open", "mine", "resolved"].filter(listOf).map(refresh));
  };

  var showList = function (name, push) {
    if (!listOf(name)) return false;
    state.list = name;
    Array.prototype.forEach.call(inbox.querySelectorAll(".inbox-list-body"), function (body) {
      body.hidden = body.getAttribute("data-list") !== name;
    });
    Array.prototype.forEach.call(inbox.querySelectorAll(".inbox-tabs a[data-list]"), function (a) {
      if (a.getAttribute("data-list") === name) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    if (push) remember(true);
    return true;
  };

  // --- the address: ?status= (the list shown), ?team=, ?open= (the conversation) ------------

  var address = function () {
    var params = new URLSearchParams(window.location.search);
    params.set("status", state.list);
    if (state.open) params.set("open", state.open); else params.delete("open");
    return window.location.pathname + "?" + params.toString();
  };
  var remember = function (push) {
    var url = address();
    if (url === window.location.pathname + window.location.search) return;
    window.history[push ? "pushState" : "replaceState"]({open: state.open, list: state.list}, "", url);
  };

  // --- drafts: per agent and handoff, until sent -----------------------------------------------

  var draftKey = function (id) { return "dalil-draft:" + agent + ":" + id; };
  var draft = {
    get: function (id) { try { return sessionStorage.getItem(draftKey(id)) || ""; } catch (e) { return ""; } },
    set: function (id, text) {
      try {
        if (text) sessionStorage.setItem(draftKey(id), text); else sessionStorage.removeItem(draftKey(id));
      } catch (e) { /* storage full or refused: the box still holds it */ }
    }
  };

  // --- read marks ------------------------------------------------------------------------------

  var setUnread = function (id, count) {
    Array.prototype.forEach.call(inbox.querySelectorAll('.inbox-card[data-id="' + id + '"]'), function (li) {
      var badge = li.querySelector(".unread");
      if (badge) badge.parentNode.removeChild(badge);
      li.classList.toggle("has-unread", count > 0);
      if (count > 0) li.querySelector(".card-top").appendChild(unreadBadge(count));
    });
  };
  var pendingRead = null;
  var markRead = function (id, messageId) {
    if (document.hidden) { pendingRead = [id, messageId]; return; }  // shown, but not seen yet
    pendingRead = null;
    post("/api/agent/handoffs/" + id + "/read", {message_id: messageId}).then(function (res) {
      if (res.ok) setUnread(id, res.data.unread);
    }).catch(function () {});
  };
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && pendingRead && pendingRead[0] === state.open) markRead(pendingRead[0], pendingRead[1]);
  });

  // --- the open conversation -------------------------------------------------------------------

  var setView = function (view) {
    inbox.setAttribute("data-view", view);
    if (view === "list") {
      var current = inbox.querySelector('.inbox-card[data-id="' + state.open + '"] a') ||
        (cards()[0] && cards()[0].querySelector("a"));
      if (current) current.focus();
    } else if (view === "customer") {
      var customer = document.getElementById("inbox-customer");
      if (customer) customer.scrollIntoView({block: "start"});
    } else {
      var heading = document.getElementById("pane-title");
      if (heading) heading.focus({preventScroll: true});
    }
  };

  var markOpen = function () {
    Array.prototype.forEach.call(inbox.querySelectorAll(".inbox-card"), function (li) {
      var open = li.getAttribute("data-id") === state.open;
      li.classList.toggle("is-open", open);
      var a = li.querySelector("a");
      if (open) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
    });
  };

  var paneProblem = function (text) {
    var problem = document.getElementById("pane-problem");
    if (!problem) return;
    problem.textContent = text || "";
    problem.hidden = !text;
  };

  // Wire the pane now in the page: the transcript, reply tools, resolve form (agent.js);
  // the draft; the reply, claim, release and note forms through the JSON API; tags.
  var mount = function (pane) {
    var id = pane.getAttribute("data-handoff");
    state.open = id;
    state.pane = Console.mountPane(pane, function (newest) { markRead(id, newest); });
    markRead(id, Number(pane.getAttribute("data-last")) || 0);
    var box = pane.querySelector("#reply-text");
    if (box) {
      box.value = draft.get(id);
      box.addEventListener("input", function () { draft.set(id, box.value); });
      var problem = pane.querySelector("#reply-problem");
      var button = box.form.querySelector('button[type="submit"]');
      box.form.addEventListener("submit", function (event) {
        if (event.defaultPrevented) return;  // a placeholder left (agent.js said which)
        event.preventDefault();
        var text = box.value;
        if (!text.trim()) return;
        button.disabled = true;
        post("/api/agent/handoffs/" + id + "/reply", {text: text}).then(function (res) {
          if (res.ok) {
            if (state.pane) state.pane.add([res.data]);
            if (box.value === text) box.value = "";
            draft.set(id, box.value);
            problem.hidden = true;
            refresh("mine");
            return;
          }
          // Nothing lost: the box and the stored draft keep the text.
          problem.textContent = fill(res.status === 409 ? S.inbox_not_yours : S.inbox_send_failed,
                                     {reason: res.data.error || res.status});
          problem.hidden = false;
        }).catch(function () {
          problem.textContent = fill(S.inbox_send_failed, {reason: S.inbox_offline});
          problem.hidden = false;
        }).then(function () { button.disabled = false; });
      });
    }
    // Claim, release and a note change the pane itself: done through the API, then the
    // pane is fetched again (the draft is in storage, so it comes back).
    [["#claim-form", "claim"], ["#release-form", "release"], ["#note-form", "notes"]].forEach(function (pair) {
      var form = pane.querySelector(pair[0]);
      if (!form) return;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var body = pair[1] === "notes" ? {text: form.querySelector("textarea").value} : {};
        post("/api/agent/handoffs/" + id + "/" + pair[1], body).then(function (res) {
          if (!res.ok) { paneProblem(res.data.error || String(res.status)); return; }
          open(id, {push: false, keepView: true});
          refreshAll();
        }).catch(function () { paneProblem(S.inbox_offline); });
      });
    });
    // The pane's tag box is taken over by web/static/tags.js as it arrives (its
    // MutationObserver): nothing to do here.
    markOpen();
  };

  var unmount = function () {
    if (state.pane) state.pane.stop();
    state.pane = null;
  };

  // Open handoff ``id`` in the panes: fetch its fragment, swap it in, wire it. A newer
  // open() wins over one still loading (quick j j j).
  var open = function (id, options) {
    options = options || {};
    id = String(id);
    var ticket = ++state.loading;
    return fetch("/agent/handoffs/" + encodeURIComponent(id) + "/pane",
                 {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        if (ticket !== state.loading) return;
        var parsed = new DOMParser().parseFromString(html, "text/html");
        var pane = parsed.getElementById("pane");
        if (!pane) return Promise.reject("no pane");
        unmount();
        openArea.textContent = "";
        openArea.appendChild(document.importNode(pane, true));
        mount(document.getElementById("pane"));
        remember(options.push !== false);
        if (!options.keepView) setView("conversation");
      })
      .catch(function () {
        if (ticket !== state.loading) return;
        var problem = el("p", "notice error", S.inbox_load_failed);
        problem.setAttribute("role", "alert");
        unmount();
        openArea.textContent = "";
        openArea.appendChild(problem);
      });
  };

  var close = function (push) {
    setView("list");
    if (push) remember(true);
  };

  // The pane rendered with the page (?open=ID on a reload or a link).
  var first = document.getElementById("pane");
  if (first) mount(first);

  // --- clicks: cards open in place, tabs switch lists, the bars move between panes -------------

  inbox.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey ||
        event.shiftKey || event.altKey) return;
    var link = event.target.closest("a");
    if (!link || !inbox.contains(link)) return;
    var item = link.closest(".inbox-card");
    if (item) {
      event.preventDefault();
      open(item.getAttribute("data-id"));
      return;
    }
    var tab = link.getAttribute("data-list");
    if (tab && tab !== "resolved" && listOf(tab)) {
      event.preventDefault();
      showList(tab, true);
      return;
    }
    var view = link.getAttribute("data-view");
    if (view) {
      event.preventDefault();
      if (view === "list") close(false); else setView(view);
    }
  });

  window.addEventListener("popstate", function () {
    var params = new URLSearchParams(window.location.search);
    var status = params.get("status");
    if (status && status !== state.list) showList(status, false);
    var wanted = params.get("open");
    if (wanted && wanted !== state.open) open(wanted, {push: false});
    else if (!wanted) setView("list");
  });

  // --- keyboard shortcuts (the "?" dialog lists them) ------------------------------------------

  var dialog = document.getElementById("keys");
  var helpButton = document.getElementById("keys-open");
  if (dialog && dialog.showModal) {
    helpButton.hidden = false;
    helpButton.addEventListener("click", function () { dialog.showModal(); });
  }
  var step = function (by) {
    var all = cards();
    if (!all.length) return;
    var ids = all.map(function (li) { return li.getAttribute("data-id"); });
    var focused = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest(".inbox-card");
    var from = focused ? ids.indexOf(focused.getAttribute("data-id")) : ids.indexOf(state.open);
    var to = from < 0 ? (by > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, from + by));
    all[to].querySelector("a").focus();
    if (ids[to] !== state.open) open(ids[to], {keepView: inbox.getAttribute("data-view") === "list"});
  };
  var typing = function (target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  };
  var pendingG = 0;
  document.addEventListener("keydown", function (event) {
    if (dialog && dialog.open) return;  // the dialog's own Esc closes it
    var key = event.key;
    if ((event.ctrlKey || event.metaKey) && key === "Enter") {
      var box = document.getElementById("reply-text");
      if (box && event.target === box) {
        event.preventDefault();
        box.form.requestSubmit();
      }
      return;
    }
    if (key === "Escape") {
      if (typing(event.target)) event.target.blur();
      if (state.open && inbox.getAttribute("data-view") !== "list") { event.preventDefault(); close(false); }
      return;
    }
    if (typing(event.target)) return;
    if (event.altKey && (key === "ArrowDown" || key === "ArrowUp")) {
      event.preventDefault();
      step(key === "ArrowDown" ? 1 : -1);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (pendingG && Date.now() - pendingG < 1500 && (key === "q" || key === "m")) {
      pendingG = 0;
      event.preventDefault();
      showList(key === "q" ? "open" : "mine", true);
      var firstCard = cards()[0];
      if (firstCard) firstCard.querySelector("a").focus();
      return;
    }
    pendingG = 0;
    if (key === "g") { pendingG = Date.now(); return; }
    if (key === "j" || key === "k") { event.preventDefault(); step(key === "j" ? 1 : -1); return; }
    if (key === "o" || (key === "Enter" && event.target.closest && event.target.closest(".inbox-card"))) {
      var focused = event.target.closest && event.target.closest(".inbox-card");
      if (focused) { event.preventDefault(); open(focused.getAttribute("data-id")); }
      return;
    }
    if (key === "r") {
      var reply = document.getElementById("reply-text");
      if (reply) {
        event.preventDefault();
        if (inbox.getAttribute("data-view") === "list") setView("conversation");
        reply.focus();
      }
      return;
    }
    if (key === "?" && dialog && dialog.showModal) { event.preventDefault(); dialog.showModal(); }
  });

  // --- live -------------------------------------------------------------------------------------

  Console.live.listen("queue", function (data) {
    refreshAll();
    // The open conversation became this agent's, or stopped being (claimed elsewhere,
    // given to them, transferred away): its pane is fetched again, so its forms match.
    var pane = document.getElementById("pane");
    if (!pane || !state.open) return;
    var mine = (data.mine || []).map(String).indexOf(state.open) >= 0;
    if (mine !== (pane.getAttribute("data-mine") === "1")) open(state.open, {push: false, keepView: true});
  });
  // A line in a conversation that is not open: its unread count goes up.
  Console.live.listen("messages", function (data) {
    if (String(data.handoff_id) !== state.open) refresh("mine");
  });
  setInterval(tick, 1000);
  // The stream's fallback; while it is up, an occasional redraw still moves SLA marks.
  var every = Number(inbox.getAttribute("data-poll")) * 1000 || 10000, since = 0;
  setInterval(function () {
    since += every;
    if (!Console.live.open || since >= 6 * every) { since = 0; refreshAll(); }
  }, every);
});
