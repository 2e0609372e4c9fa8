/* Tags on a conversation, drawn as chips with a remove button and a box that adds one
   (suggesting the tags in use), over the JSON API: POST /api/agent/handoffs/<id>/tags
   and .../tags/delete, GET /api/agent/tags. Without JavaScript the same box
   (templates/agent/_tags.html) works through its forms.

     window.DalilTags.mount(element, handoffId, tags)

   Every box with data-tags-handoff is mounted when the page loads, and any that
   arrives later (the inbox puts a conversation's pane in place). Text goes in with
   textContent only; no inline script or style (the CSP). */
(function () {
  "use strict";
  if (window.DalilTags) { return; }  // the script included twice on one page
  var HEADERS = {"Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest"};
  var suggestions = null;  // one request per page for the tags in use

  var inUse = function (root) {
    if (!suggestions) {
      suggestions = fetch(root + "/api/agent/tags", {headers: {"X-Requested-With": "XMLHttpRequest"}})
        .then(function (r) { return r.ok ? r.json() : {tags: []}; })
        .then(function (data) { return data.tags.map(function (row) { return row.tag; }); })
        .catch(function () { suggestions = null; return []; });
    }
    return suggestions;
  };

  var mount = function (element, handoffId, tags) {
    if (element.getAttribute("data-tags-mounted")) { return; }
    element.setAttribute("data-tags-mounted", "1");
    var strings = JSON.parse(element.getAttribute("data-strings") || "{}");
    var root = element.getAttribute("data-root") || "";
    var searchUrl = element.getAttribute("data-search") || root + "/agent/search";
    var list = element.querySelector(".tag-list");
    var none = element.querySelector(".tags-none");
    var form = element.querySelector(".tag-add");
    var input = form.querySelector("input[name=tag]");
    var datalist = form.querySelector("datalist");
    var problem = form.querySelector(".tag-problem");
    var current = (tags || []).slice();

    var say = function (text) {
      problem.textContent = text || "";
      problem.hidden = !text;
    };

    var suggest = function () {
      inUse(root).then(function (all) {
        while (datalist.firstChild) { datalist.removeChild(datalist.firstChild); }
        all.forEach(function (tag) {
          if (current.indexOf(tag) !== -1) { return; }
          var option = document.createElement("option");
          option.value = tag;
          datalist.appendChild(option);
        });
      });
    };

    var send = function (path, tag) {
      say("");
      return fetch(root + "/api/agent/handoffs/" + encodeURIComponent(handoffId) + path, {
        method: "POST", headers: HEADERS, body: JSON.stringify({tag: tag})
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (!r.ok) { say(data.error || strings.failed); return false; }
          if (data.added && suggestions) {
            suggestions = suggestions.then(function (all) {
              return all.indexOf(data.tag) === -1 ? all.concat([data.tag]) : all;
            });
          }
          draw(data.tags);
          return true;
        });
      }).catch(function () { say(strings.failed); return false; });
    };

    var chip = function (tag) {
      var li = document.createElement("li");
      li.className = "tag-chip";
      var link = document.createElement("a");
      link.href = searchUrl + "?" + new URLSearchParams({tag: tag}).toString();
      link.dir = "auto";
      link.textContent = tag;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "tag-remove";
      var label = (strings.remove || "{tag}").replace("{tag}", tag);
      remove.setAttribute("aria-label", label);
      remove.title = label;
      remove.textContent = "×";
      remove.addEventListener("click", function () {
        remove.disabled = true;
        send("/tags/delete", tag).then(function (done) {
          if (done) { input.focus(); } else { remove.disabled = false; }
        });
      });
      li.appendChild(link);
      li.appendChild(remove);
      return li;
    };

    var draw = function (tags) {
      current = tags.slice();
      while (list.firstChild) { list.removeChild(list.firstChild); }
      current.forEach(function (tag) { list.appendChild(chip(tag)); });
      none.hidden = current.length > 0;
      suggest();
    };

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var tag = input.value.trim();
      if (!tag) { return; }
      send("/tags", tag).then(function (done) { if (done) { input.value = ""; } });
    });
    input.addEventListener("input", function () { say(""); });
    draw(current);
  };

  var mountAll = function (scope) {
    var boxes = scope.querySelectorAll ? scope.querySelectorAll("[data-tags-handoff]") : [];
    Array.prototype.forEach.call(boxes, function (box) {
      var tags = [];
      try { tags = JSON.parse(box.getAttribute("data-tags") || "[]"); } catch (e) { tags = []; }
      mount(box, box.getAttribute("data-tags-handoff"), tags);
    });
  };

  window.DalilTags = {mount: mount};
  var start = function () {
    mountAll(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        Array.prototype.forEach.call(change.addedNodes, function (node) {
          if (node.nodeType !== 1) { return; }
          if (node.hasAttribute("data-tags-handoff")) { mountAll(node.parentNode); }
          else { mountAll(node); }
        });
      });
    }).observe(document.body, {childList: true, subtree: true});
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
