/* govsearch suggestions as you type: an ARIA 1.2 combobox over the search box.

   Any <input data-suggest="/api/suggest"> gets a list of completions (headings,
   dictionary terms and frequent phrases of the index, with the number of passages each
   finds) while the user types. Keyboard: ↓/↑ move through the list, Enter takes the
   highlighted one and searches, Esc closes the list. Screen readers hear the input as a
   combobox, the list as a listbox and the count in a polite live region. Requests are
   debounced (DEBOUNCE_MS) and a newer one aborts the older; answers are cached.
   Without JavaScript the box is a plain form field. Every node is built with textContent.

   The widget (govsearch-widget.js) calls window.GovsearchSuggest.attach(input, url). */
(function () {
  "use strict";

  var DEBOUNCE_MS = 150;
  var MIN_CHARS = 1;
  var counter = 0;
  var SCRIPT = document.currentScript;
  var BASE = SCRIPT ? SCRIPT.src.replace(/\/static\/govsearch-suggest\.js(?:[?#].*)?$/, "") : "";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function loadStylesheet() {
    if (!BASE) return;
    var href = BASE + "/static/govsearch-suggest.css";
    var links = document.querySelectorAll("link[rel='stylesheet']");
    for (var i = 0; i < links.length; i++) if (links[i].href === href) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }

  function Suggest(input, url) {
    this.input = input;
    this.url = url;
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.controller = null;
    this.cache = {};
    this.id = "gss-" + (++counter);
    this.build();
  }

  Suggest.prototype.build = function () {
    var input = this.input, self = this;
    var wrap = el("div", "gss-wrap");
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    this.list = el("ul", "gss-list");
    this.list.id = this.id + "-list";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", "检索建议");
    this.list.hidden = true;
    wrap.appendChild(this.list);
    this.live = el("span", "gss-live");
    this.live.setAttribute("aria-live", "polite");
    wrap.appendChild(this.live);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    input.setAttribute("autocomplete", "off");
    input.addEventListener("input", function () { self.schedule(); });
    input.addEventListener("keydown", function (e) { self.key(e); });
    input.addEventListener("blur", function () { setTimeout(function () { self.close(); }, 150); });
    this.list.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep focus in the box
  };

  Suggest.prototype.schedule = function () {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.fetch(self.input.value.trim()); }, DEBOUNCE_MS);
  };

  Suggest.prototype.fetch = function (q) {
    var self = this;
    if (Array.from(q).length < MIN_CHARS) { this.close(); return; }
    if (this.cache[q]) { this.show(this.cache[q]); return; }
    if (this.controller) this.controller.abort();
    this.controller = window.AbortController ? new AbortController() : null;
    var sep = this.url.indexOf("?") >= 0 ? "&" : "?";
    fetch(this.url + sep + "q=" + encodeURIComponent(q), {
      headers: { "Accept": "application/json" },
      signal: this.controller ? this.controller.signal : undefined
    }).then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) {
        var items = (data && data.suggestions) || [];
        self.cache[q] = items;
        if (self.input.value.trim() === q) self.show(items);
      })
      .catch(function () { /* aborted or offline: the form still works */ });
  };

  Suggest.prototype.show = function (items) {
    var self = this;
    this.items = items;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    while (this.list.firstChild) this.list.removeChild(this.list.firstChild);
    if (!items.length || document.activeElement !== this.input) { this.close(); return; }
    items.forEach(function (item, i) {
      var li = el("li", "gss-option");
      li.id = self.id + "-opt-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.appendChild(el("span", "gss-text", item.text));
      var count = el("span", "gss-count", item.count);
      count.setAttribute("aria-label", item.count + " 段");
      li.appendChild(count);
      li.addEventListener("click", function () { self.choose(i); });
      self.list.appendChild(li);
    });
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.live.textContent = items.length + " 条建议，上下方向键选择";
  };

  Suggest.prototype.close = function () {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Suggest.prototype.highlight = function (i) {
    var options = this.list.children;
    if (!options.length) return;
    if (i < 0) i = options.length - 1;
    if (i >= options.length) i = 0;
    for (var k = 0; k < options.length; k++) {
      options[k].setAttribute("aria-selected", k === i ? "true" : "false");
      options[k].classList.toggle("gss-active", k === i);
    }
    this.active = i;
    this.input.setAttribute("aria-activedescendant", options[i].id);
  };

  Suggest.prototype.choose = function (i) {
    var item = this.items[i];
    if (!item) return;
    this.input.value = item.text;
    this.close();
    var form = this.input.form;
    if (form) {
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    }
  };

  Suggest.prototype.key = function (e) {
    var open = !this.list.hidden;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!open && this.items.length) this.show(this.items);
      this.highlight(this.active + 1);
    } else if (e.key === "ArrowUp") {
      if (!open) return;
      e.preventDefault();
      this.highlight(this.active - 1);
    } else if (e.key === "Enter") {
      if (open && this.active >= 0) {
        e.preventDefault();
        this.choose(this.active);
      } else {
        clearTimeout(this.timer);
        this.close();
      }
    } else if (e.key === "Escape") {
      if (open) {
        e.preventDefault();
        this.close();
      }
    }
  };

  function attach(input, url) {
    if (!input || input.getAttribute("data-suggest-attached")) return null;
    input.setAttribute("data-suggest-attached", "1");
    loadStylesheet();
    return new Suggest(input, url || input.getAttribute("data-suggest"));
  }

  window.GovsearchSuggest = { attach: attach };

  function init() {
    var inputs = document.querySelectorAll("input[data-suggest]");
    for (var i = 0; i < inputs.length; i++) attach(inputs[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
