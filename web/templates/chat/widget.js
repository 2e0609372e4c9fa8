// Dalil's chat widget. Embed with one tag on any page:
//   <script src="https://help.example.com/widget.js" data-lang="ar"></script>
// data-lang: ar (right to left) or en; data-inline="#id": render inside that element
// instead of a floating button. The conversation (id and token) is kept in
// localStorage, so a reload keeps the chat and its agent replies. Everything anyone
// typed is shown with textContent, never as HTML. A message stays in the text box until
// the server has it; each carries an Idempotency-Key, the same on every retry, so a
// retried message is stored once.
// A shop whose customers are signed in passes who they are, signed on its server
// (README, "Identified customers"): data-customer-id, data-customer-email,
// data-customer-name and data-customer-hash. Such a customer is never asked for their
// details, sees their earlier conversations, and keeps a conversation of their own
// in this browser (another customer signing in here does not see it).
// While a person is on the case, "typing…" goes both ways: a ping at most every 3 s
// while the box holds text (never the text itself), and the agent's own typing shown
// under the messages, from the stream's "typing" events (or each poll).
(function () {
  "use strict";
  var script = document.currentScript;
  // Where Dalil is: the PUBLIC_URL setting, else the folder this script came from. The
  // script is cached publicly, so it must never carry the Host a request named.
  var BASE = {{ base|tojson }} || (script && script.src ? new URL(".", script.src).href.replace(/\/$/, "") : "");
  var STRINGS = {{ strings|tojson }};
  var POLL_MS = {{ poll_ms|int }};
  var lang = script && script.getAttribute("data-lang") === "en" ? "en" : "ar";
  var S = STRINGS[lang];
  var inlineTarget = script && script.getAttribute("data-inline");
  function attr(name) { return (script && script.getAttribute(name)) || ""; }
  var IDENTITY = attr("data-customer-id") && attr("data-customer-hash")
    ? {id: attr("data-customer-id"), email: attr("data-customer-email"),
       name: attr("data-customer-name"), hash: attr("data-customer-hash")} : null;
  var KEY = "dalil-conversation:" + BASE + (IDENTITY ? ":customer:" + IDENTITY.id : "");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  var css = el("link", {rel: "stylesheet", href: BASE + "/static/chat.css"});
  document.head.appendChild(css);

  var root = el("div", {"class": "dalil-chat", dir: lang === "ar" ? "rtl" : "ltr", lang: lang});
  var panel = el("section", {"class": "dalil-panel", "aria-label": S.chat_title, id: "dalil-panel"});
  var head = el("div", {"class": "dalil-head"});
  head.appendChild(el("h2", {}, S.chat_title));
  var restart = el("button", {type: "button", "class": "dalil-new"}, S.chat_new);
  head.appendChild(restart);
  var status = el("div", {"class": "dalil-status", role: "status"});
  var log = el("div", {"class": "dalil-log", role: "log", "aria-live": "polite"});
  var typingNote = el("div", {"class": "dalil-typing", "aria-live": "polite"});
  var error = el("div", {"class": "dalil-error", role: "alert"});
  var form = el("form", {"class": "dalil-form"});
  var input = el("textarea", {name: "text", rows: "1", "aria-label": S.chat_message_label,
                              placeholder: S.chat_placeholder, maxlength: "1000"});
  var sendButton = el("button", {type: "submit"}, S.chat_send);
  form.appendChild(input);
  form.appendChild(sendButton);
  [head, status, log, typingNote, error, form].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(panel);

  var launcher = null;
  var mount = inlineTarget && document.querySelector(inlineTarget);
  if (mount) {
    root.classList.add("dalil-inline");
    mount.appendChild(root);
  } else {
    launcher = el("button", {type: "button", "class": "dalil-launcher", "aria-expanded": "false",
                             "aria-controls": "dalil-panel"}, S.chat_title);
    var close = el("button", {type: "button", "aria-label": S.chat_close}, "×");
    head.appendChild(close);
    panel.hidden = true;
    launcher.addEventListener("click", function () { toggle(panel.hidden); });
    close.addEventListener("click", function () { toggle(false); });
    root.appendChild(launcher);
    document.body.appendChild(root);
  }
  function toggle(open) {
    panel.hidden = !open;
    if (launcher) launcher.setAttribute("aria-expanded", String(open));
    if (open) { input.focus(); start(); }
  }

  var conversation = null;
  var lastId = 0;
  var handoff = null;
  var rated = false;
  var timer = null;  // polling for new messages, where there is no stream
  var stream = null;  // the open event stream's AbortController, or null
  var streamFailures = 0;
  var started = false;
  // The message being sent, until the server has it: {text, choice, key, tries}.
  var pending = null;
  var sending = false;
  var retryTimer = null;
  // Automatic retries of a message the server could not take (503, or no answer).
  var MAX_RETRIES = 3;
  // A "typing" ping at most this often while the box holds text; the server keeps one
  // for 5 s, so a typist stays shown.
  var TYPING_EVERY_MS = 3000;
  var lastTypingPing = 0;

  try { conversation = JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { conversation = null; }

  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);  // randomUUID needs https; this works everywhere
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function api(method, path, body, extra) {
    var headers = {"Accept": "application/json"};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (conversation) headers["X-Conversation-Token"] = conversation.token;
    Object.keys(extra || {}).forEach(function (k) { headers[k] = extra[k]; });
    return fetch(BASE + path, {method: method, headers: headers,
                               body: body === undefined ? undefined : JSON.stringify(body)})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) {
            var problem = new Error(data.error || String(response.status));
            problem.status = response.status;
            problem.retry = response.headers.get("Retry-After");
            throw problem;
          }
          return data;
        });
      });
  }

  function ensureConversation() {
    if (conversation) return Promise.resolve(conversation);
    var body = {lang: lang};
    if (IDENTITY) body.customer = IDENTITY;
    return api("POST", "/api/conversations", body).catch(function (problem) {
      // A signature the server refuses is the shop's setup, not the customer's fault:
      // they still get help, as an anonymous customer.
      if (problem.status !== 403 || !IDENTITY) throw problem;
      if (window.console) console.warn("Dalil: the customer's identity was refused: " + problem.message);
      return api("POST", "/api/conversations", {lang: lang});
    }).then(function (data) {
      conversation = {id: data.id, token: data.token, customer: data.customer || null};
      localStorage.setItem(KEY, JSON.stringify(conversation));
      return conversation;
    });
  }

  // A verified customer's earlier conversations, each opened again with a click.
  function showHistory() {
    if (!IDENTITY || !conversation || !conversation.customer) return;
    api("GET", "/api/conversations/" + conversation.id + "/history").then(function (data) {
      var old = panel.querySelector(".dalil-history");
      if (old) old.remove();
      if (!data.conversations || !data.conversations.length) return;
      var box = el("details", {"class": "dalil-history"});
      box.appendChild(el("summary", {}, fill(S.chat_history, {count: data.conversations.length})));
      var list = el("ul", {});
      data.conversations.forEach(function (c) {
        var item = el("li", {});
        var button = el("button", {type: "button", dir: "auto"},
                        (c.created || "").slice(0, 10) + " — " + (c.first_message || S.chat_history_empty));
        button.addEventListener("click", function () { open({id: c.id, token: c.token, customer: conversation.customer}); });
        item.appendChild(button);
        list.appendChild(item);
      });
      box.appendChild(list);
      panel.insertBefore(box, log);
    }).catch(function () { /* the history is a convenience: the chat goes on without it */ });
  }

  function open(other) {
    reset();
    conversation = other;
    localStorage.setItem(KEY, JSON.stringify(conversation));
    poll();
    showHistory();
  }

  function clearChoices() {
    Array.prototype.forEach.call(log.querySelectorAll(".dalil-choices"), function (n) { n.remove(); });
  }

  function choices(buttons) {
    var row = el("div", {"class": "dalil-choices"});
    buttons.forEach(function (b) {
      var button = el("button", {type: "button"}, b.label);
      button.addEventListener("click", function () {
        // The buttons stay (disabled) until the server has the choice: a failed send
        // leaves them to press again.
        setDisabled(row, true);
        send(b.label, b.choice).then(function (sent) { if (!sent) setDisabled(row, false); });
      });
      row.appendChild(button);
    });
    log.appendChild(row);
  }

  function render(m, latest) {
    var bubble = el("div", {"class": "dalil-msg dalil-" + m.role, dir: "auto", "data-id": String(m.id)});
    bubble.appendChild(el("span", {"class": "who"}, S["role_" + m.role] + (m.agent ? " · " + m.agent : "")));
    bubble.appendChild(document.createTextNode(m.text));
    if (m.role === "bot" && m.url && m.action === "answer") {
      bubble.appendChild(document.createElement("br"));
      bubble.appendChild(el("a", {href: new URL(m.url, BASE).href, target: "_blank", rel: "noopener"}, S.chat_read_article));
    }
    log.appendChild(bubble);
    if (!latest) return;
    if (m.role === "bot" && m.ask_feedback) {
      log.appendChild(el("div", {"class": "dalil-msg dalil-bot"}, S.chat_did_it_help));
      choices([{label: S.chat_yes, choice: "helpful"}, {label: S.chat_no, choice: "not_helpful"}]);
    } else if (m.role === "bot" && m.action === "suggest") {
      choices(m.suggestions.map(function (a) { return {label: a.title, choice: "article:" + a.article_id}; })
        .concat([{label: S.chat_none_of_these, choice: "not_helpful"}]));
    }
  }

  function show(messages) {
    messages.forEach(function (m, i) {
      if (m.id <= lastId) return;
      lastId = m.id;
      if (m.role === "agent") showTyping(null);  // what they were typing has arrived
      clearChoices();
      render(m, i === messages.length - 1);
      if (m.role === "system" && m.kind === "handoff" && handoff && handoff.status !== "resolved") contactBox();
      // Only the latest handoff, resolved and not rated yet, asks for a rating.
      if (m.role === "system" && m.rating && !rated && handoff && handoff.status === "resolved") ratingBox();
    });
    log.scrollTop = log.scrollHeight;
  }

  // "<name> is typing…" from a "typing" event's data ({typing, agent}); null clears it.
  // Set only when it changes, so a screen reader announces it once.
  function showTyping(data) {
    // The name isolated, so a Latin name reads whole inside Arabic text.
    var name = data && data.agent ? "\u2068" + data.agent + "\u2069" : "";
    var text = !data || !data.typing ? ""
      : name ? fill(S.chat_typing_agent, {name: name}) : S.chat_typing_someone;
    if (typingNote.textContent !== text) typingNote.textContent = text;
  }

  function pingTyping(typing) {
    if (!conversation) return;
    api("POST", "/api/conversations/" + conversation.id + "/typing", {typing: typing})
      .catch(function () { /* "typing…" is a courtesy: nothing to retry */ });
  }

  // On each key: a ping when the box holds text and none went out in the last 3 s, only
  // while a person handles the conversation or it waits for one; a box emptied says
  // "stopped".
  function typed() {
    if (!conversation || !handoff || handoff.status === "resolved") return;
    var now = Date.now();
    if (input.value.trim()) {
      if (now - lastTypingPing < TYPING_EVERY_MS) return;
      lastTypingPing = now;
      pingTyping(true);
    } else {
      stoppedTyping();
    }
  }

  function stoppedTyping() {
    if (!lastTypingPing) return;
    lastTypingPing = 0;
    pingTyping(false);
  }

  function update(data) {
    handoff = data.handoff || null;
    rated = Boolean(data.rated);  // of the latest handoff: a new one can be rated again
    if (handoff && handoff.status === "open") status.textContent = fill(S.chat_queue_position, {position: handoff.position});
    else if (handoff && handoff.status === "claimed") status.textContent = S.chat_agent_with_you;
    else status.textContent = "";
    var active = handoff && handoff.status !== "resolved";
    // Contact details are for the handoff in progress: none to give once it is resolved.
    if (!active) Array.prototype.forEach.call(log.querySelectorAll(".dalil-contact"), function (n) { n.remove(); });
    if (!active) showTyping(null);
    live(active);
  }

  // While a person is on the case, new messages come on an event stream (GET .../events,
  // Server-Sent Events read with fetch, which can send the token header EventSource
  // cannot); a stream that ends is opened again after the last message seen, and after
  // three failures in a row, or where streams are missing, the chat polls instead.
  function live(active) {
    if (!active) { stopLive(); return; }
    if (stream || timer) return;
    if (window.ReadableStream && window.TextDecoder && window.AbortController && streamFailures < 3) listen();
    else timer = setInterval(poll, POLL_MS);
  }

  function stopLive() {
    if (stream) { stream.abort(); stream = null; }
    if (timer) { clearInterval(timer); timer = null; }
  }

  function listen() {
    var controller = new AbortController();
    stream = controller;
    showTyping(null);  // a new stream says at once if the agent is still typing
    fetch(BASE + "/api/conversations/" + conversation.id + "/events?typing=1&after=" + lastId,
          {headers: {"Accept": "text/event-stream", "X-Conversation-Token": conversation.token},
           signal: controller.signal})
      .then(function (response) {
        if (response.status === 404) { stream = null; reset(); return; }
        if (!response.ok || !response.body) throw new Error(String(response.status));
        streamFailures = 0;
        var reader = response.body.getReader(), decoder = new TextDecoder(), buffer = "";
        function read() {
          return reader.read().then(function (part) {
            if (part.done) return;
            buffer += decoder.decode(part.value, {stream: true});
            var end;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
              var lines = buffer.slice(0, end).split("\n"), name = "update";
              var data = lines.filter(function (line) { return line.indexOf("data: ") === 0; })
                .map(function (line) { return line.slice(6); }).join("\n");
              lines.forEach(function (line) { if (line.indexOf("event: ") === 0) name = line.slice(7); });
              buffer = buffer.slice(end + 2);
              if (!data) continue;
              var news = JSON.parse(data);
              if (name === "typing") showTyping(news);
              else if (name === "update") { update(news); show(news.messages); }
            }
            return read();
          });
        }
        return read();
      })
      .then(function () { reopen(controller, false); }, function () { reopen(controller, true); });
  }

  function reopen(controller, failed) {
    if (stream !== controller) return;  // stopped, or replaced, meanwhile
    stream = null;
    if (failed) streamFailures += 1;
    setTimeout(function () { live(Boolean(conversation && handoff && handoff.status !== "resolved")); },
               failed ? 2000 : 0);
  }

  function poll() {
    if (!conversation) return;
    api("GET", "/api/conversations/" + conversation.id + "/messages?after=" + lastId)
      .then(function (data) { update(data); show(data.messages); if (data.typing) showTyping(data.typing); })
      .catch(function (problem) { if (problem.status === 404) reset(); });
  }

  function setDisabled(row, disabled) {
    Array.prototype.forEach.call(row.querySelectorAll("button"), function (b) { b.disabled = disabled; });
  }

  function failed(problem) {
    error.textContent = problem.status === 429 ? fill(S.chat_too_fast, {seconds: problem.retry || 60}) : S.chat_error;
  }

  // A failure worth retrying by itself: the server said "not now" (503), or never answered.
  function transient(problem) {
    return !problem.status || problem.status === 503 || problem.status === 502 || problem.status === 504;
  }

  function scheduleRetry(message, problem) {
    if (!transient(problem) || message.tries >= MAX_RETRIES) return false;
    message.tries += 1;
    var seconds = Math.min(Math.max(parseInt(problem.retry, 10) || 5, 1), 30);
    error.textContent = fill(S.chat_unavailable, {seconds: seconds});
    retryTimer = setTimeout(function () {
      retryTimer = null;
      // Only the message still waiting, and only while the box still holds it: the
      // customer may have changed their mind.
      if (pending !== message || sending) return;
      if (!message.choice && input.value.trim() !== message.text) return;
      send(message.text, message.choice);
    }, seconds * 1000);
    return true;
  }

  // Send a message; resolve to true once the server has it. The text box is emptied
  // only then, and a retry of the same text carries the same Idempotency-Key.
  function send(text, choice) {
    if (sending) return Promise.resolve(false);
    if (!pending || pending.text !== text || pending.choice !== (choice || null)) {
      pending = {text: text, choice: choice || null, key: newKey(), tries: 0};
    }
    var message = pending;
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    sending = true;
    sendButton.disabled = true;
    error.textContent = "";
    return ensureConversation().then(function () {
      var body = {text: text};
      if (choice) body.choice = choice;
      return api("POST", "/api/conversations/" + conversation.id + "/messages", body,
                 {"Idempotency-Key": message.key});
    }).then(function (data) {
      sending = false; sendButton.disabled = false;
      lastTypingPing = 0;  // the server ended "typing…" as the message arrived
      if (pending === message) pending = null;
      if (!choice && input.value.trim() === text) input.value = "";
      update(data); show(data.messages);
      return true;
    }, function (problem) {
      sending = false; sendButton.disabled = false;
      if (problem.status === 404) { reset(); return send(text, choice); }
      if (!scheduleRetry(message, problem)) failed(problem);
      return false;
    });
  }

  function contactBox() {
    if (log.querySelector(".dalil-contact")) return;
    var known = conversation && conversation.customer;
    if (known && known.email) {  // the shop told us who they are: never ask again
      log.appendChild(el("p", {"class": "dalil-box dalil-contact dalil-note", dir: "auto"},
                         // isolated, so the address reads whole inside Arabic text
                         fill(S.chat_contact_known, {email: "\u2068" + known.email + "\u2069"})));
      return;
    }
    var box = el("form", {"class": "dalil-box dalil-contact"});
    var handoffId = handoff && handoff.id;
    box.appendChild(el("p", {"class": "dalil-note"}, S.chat_contact_title));
    var name = el("input", {name: "name", autocomplete: "name", maxlength: "100"});
    var email = el("input", {name: "email", type: "email", autocomplete: "email", maxlength: "254", dir: "ltr"});
    var l1 = el("label", {}, S.chat_name); l1.appendChild(name);
    var l2 = el("label", {}, S.chat_email); l2.appendChild(email);
    var note = el("p", {"class": "dalil-note", role: "status"});
    box.appendChild(l1); box.appendChild(l2);
    box.appendChild(el("button", {type: "submit"}, S.chat_contact_save));
    box.appendChild(note);
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      api("POST", "/api/conversations/" + conversation.id + "/handoff",
          {name: name.value, email: email.value, handoff_id: handoffId})
        .then(function () { note.textContent = S.chat_contact_saved; })
        .catch(function (problem) {
          note.textContent = problem.status === 400 ? S.chat_email_invalid : S.chat_error;
        });
    });
    log.appendChild(box);
  }

  function ratingBox() {
    if (log.querySelector(".dalil-rating")) return;
    var box = el("form", {"class": "dalil-box dalil-rating"});
    box.appendChild(el("p", {"class": "dalil-note"}, S.chat_rate_title));
    var row = el("div", {"class": "dalil-choices", role: "group", "aria-label": S.chat_rate_title});
    var score = 0;
    [1, 2, 3, 4, 5].forEach(function (n) {
      var b = el("button", {type: "button", "aria-pressed": "false"}, String(n));
      b.addEventListener("click", function () {
        score = n;
        Array.prototype.forEach.call(row.children, function (c) { c.setAttribute("aria-pressed", String(c === b)); });
      });
      row.appendChild(b);
    });
    box.appendChild(row);
    var comment = el("textarea", {name: "comment", rows: "2", maxlength: "2000"});
    var label = el("label", {}, S.chat_rate_comment); label.appendChild(comment);
    box.appendChild(label);
    box.appendChild(el("button", {type: "submit"}, S.chat_rate_send));
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!score) return;
      api("POST", "/api/conversations/" + conversation.id + "/rating", {score: score, comment: comment.value})
        .then(function () { rated = true; box.replaceWith(el("p", {"class": "dalil-note"}, S.chat_rate_thanks)); })
        .catch(function (problem) {
          if (problem.status !== 409) return failed(problem);
          // Rated already (in another tab, or before a reload): say so, not "try again".
          rated = true;
          box.replaceWith(el("p", {"class": "dalil-note", role: "status"}, S.chat_rate_already));
        });
    });
    log.appendChild(box);
  }

  function welcome() {
    log.appendChild(el("div", {"class": "dalil-msg dalil-bot"}, S.chat_welcome));
    choices([{label: S.chat_person, choice: "person"}]);
  }

  function reset() {
    conversation = null; lastId = 0; handoff = null; rated = false; lastTypingPing = 0;
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    localStorage.removeItem(KEY);
    stopLive();
    log.textContent = ""; status.textContent = ""; error.textContent = ""; showTyping(null);
    welcome();
  }

  function start() {
    if (started) return;
    started = true;
    welcome();
    if (conversation) { poll(); showHistory(); }
    else if (IDENTITY) ensureConversation().then(showHistory, function () {});
  }

  restart.addEventListener("click", reset);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    send(text);  // the text stays in the box until the server has it
  });
  input.addEventListener("input", typed);
  input.addEventListener("blur", stoppedTyping);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  if (mount) start();
  else if (conversation) toggle(true);  // a chat in progress stays open across reloads
})();
