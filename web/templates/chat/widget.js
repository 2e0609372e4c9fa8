// Dalil's chat widget. Embed with one tag on any page:
//   <script src="https://help.example.com/widget.js" data-lang="ar"></script>
// data-lang: ar (right to left) or en; data-inline="#id": render inside that element
// instead of a floating button. The conversation (id and token) is kept in
// localStorage, so a reload keeps the chat and its agent replies. Everything anyone
// typed is shown with textContent, never as HTML.
(function () {
  "use strict";
  var script = document.currentScript;
  var BASE = {{ base|tojson }};
  var STRINGS = {{ strings|tojson }};
  var POLL_MS = {{ poll_ms|int }};
  var lang = script && script.getAttribute("data-lang") === "en" ? "en" : "ar";
  var S = STRINGS[lang];
  var KEY = "dalil-conversation:" + BASE;
  var inlineTarget = script && script.getAttribute("data-inline");

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
  var error = el("div", {"class": "dalil-error", role: "alert"});
  var form = el("form", {"class": "dalil-form"});
  var input = el("textarea", {name: "text", rows: "1", "aria-label": S.chat_message_label,
                              placeholder: S.chat_placeholder, maxlength: "1000"});
  form.appendChild(input);
  form.appendChild(el("button", {type: "submit"}, S.chat_send));
  [head, status, log, error, form].forEach(function (n) { panel.appendChild(n); });
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
  var timer = null;
  var started = false;

  try { conversation = JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { conversation = null; }

  function api(method, path, body) {
    var headers = {"Accept": "application/json"};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (conversation) headers["X-Conversation-Token"] = conversation.token;
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
    return api("POST", "/api/conversations", {lang: lang}).then(function (data) {
      conversation = {id: data.id, token: data.token};
      localStorage.setItem(KEY, JSON.stringify(conversation));
      return conversation;
    });
  }

  function clearChoices() {
    Array.prototype.forEach.call(log.querySelectorAll(".dalil-choices"), function (n) { n.remove(); });
  }

  function choices(buttons) {
    var row = el("div", {"class": "dalil-choices"});
    buttons.forEach(function (b) {
      var button = el("button", {type: "button"}, b.label);
      button.addEventListener("click", function () { clearChoices(); send(b.label, b.choice); });
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
      clearChoices();
      render(m, i === messages.length - 1);
      if (m.role === "system" && m.kind === "handoff" && handoff && handoff.status !== "resolved") contactBox();
      // Only the latest handoff, resolved and not rated yet, asks for a rating.
      if (m.role === "system" && m.rating && !rated && handoff && handoff.status === "resolved") ratingBox();
    });
    log.scrollTop = log.scrollHeight;
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
    if (active && !timer) timer = setInterval(poll, POLL_MS);
    if (!active && timer) { clearInterval(timer); timer = null; }
  }

  function poll() {
    if (!conversation) return;
    api("GET", "/api/conversations/" + conversation.id + "/messages?after=" + lastId)
      .then(function (data) { update(data); show(data.messages); })
      .catch(function (problem) { if (problem.status === 404) reset(); });
  }

  function failed(problem) {
    error.textContent = problem.status === 429 ? fill(S.chat_too_fast, {seconds: problem.retry || 60}) : S.chat_error;
  }

  function send(text, choice) {
    error.textContent = "";
    return ensureConversation().then(function () {
      var body = {text: text};
      if (choice) body.choice = choice;
      return api("POST", "/api/conversations/" + conversation.id + "/messages", body);
    }).then(function (data) { update(data); show(data.messages); })
      .catch(function (problem) {
        if (problem.status === 404) { reset(); return send(text, choice); }
        failed(problem);
      });
  }

  function contactBox() {
    if (log.querySelector(".dalil-contact")) return;
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
    conversation = null; lastId = 0; handoff = null; rated = false;
    localStorage.removeItem(KEY);
    if (timer) { clearInterval(timer); timer = null; }
    log.textContent = ""; status.textContent = ""; error.textContent = "";
    welcome();
  }

  function start() {
    if (started) return;
    started = true;
    welcome();
    if (conversation) poll();
  }

  restart.addEventListener("click", reset);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  if (mount) start();
  else if (conversation) toggle(true);  // a chat in progress stays open across reloads
})();
