// Search as you type: suggestions from /api/search under every search box (an ARIA 1.2
// combobox with a listbox popup). Debounced; arrows move, Enter opens, Escape closes.
(function () {
  "use strict";
  var DELAY_MS = 200;   // wait for a pause in typing before asking the server
  var LIMIT = 6;

  function setup(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var status = document.getElementById(input.id + "-status");
    var timer = null, controller = null, items = [], active = -1;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(results) {
      list.textContent = "";
      items = results.map(function (result, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = result.title;   // text, never HTML
        li.dataset.url = result.url;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { window.location.href = result.url; });
        list.appendChild(li);
        return li;
      });
      if (status) {
        status.textContent = (input.dataset.countTemplate || "{count}").replace("{count}", items.length);
      }
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        active = -1;
      } else {
        close();
      }
    }

    function fetchSuggestions() {
      var q = input.value;
      if (!q.trim()) { close(); return; }
      if (controller) { controller.abort(); }
      controller = new AbortController();
      var url = input.dataset.suggest + "?source=suggest&limit=" + LIMIT +
        "&lang=" + encodeURIComponent(input.dataset.lang) + "&q=" + encodeURIComponent(q);
      fetch(url, {signal: controller.signal, headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) { if (input.value === q) { show(data.results || []); } })
        .catch(function () { /* aborted or offline: keep what is shown */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && items.length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { fetchSuggestions(); return; }
        highlight(active + 1 < items.length ? active + 1 : 0);
      } else if (event.key === "ArrowUp") {
        if (!open) { return; }
        event.preventDefault();
        highlight(active > 0 ? active - 1 : items.length - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        window.location.href = items[active].dataset.url;
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[role=combobox][data-suggest]"), setup);
  });
})();
