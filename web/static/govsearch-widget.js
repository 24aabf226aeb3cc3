/* govsearch widget: a search box with live results for any intranet page.

   <div data-govsearch></div>
   <script src="https://govsearch.example.gov.cn/static/govsearch-widget.js" defer></script>

   Options, as attributes of the <div>:
     data-town, data-county, data-topic, data-year   fixed filters (comma-separated for several);
       (any filter: data-province, data-level …)     labels from /api/fields
     data-page-size                                  results shown (default 5, at most 20)
     data-placeholder                                text in the empty box
     data-label                                      label of the box (default 检索工作报告)
     data-target                                     where report links open (default _blank)
     data-api                                        govsearch address, when not the script's own
     data-token                                      a signed embed token (govsearch token embed): what the
                                                     widget may show (groups, fixed filters) is inside it,
                                                     so editing the other attributes cannot widen it

   The filters given as attributes are fixed: shown above the results, sent with fixed=…
   so that a filter typed in the box (town:来集镇) narrows them but never widens them.

   It talks to /api/search only, builds every node with textContent (never innerHTML), and
   loads its stylesheet from the same server. A page on another origin needs that origin in
   GOVSEARCH_CORS_ORIGINS, and its own CSP must allow the govsearch origin in script-src,
   style-src and connect-src.

   When a search fails it says why, because each cause has a different remedy:
     - the server answered with an error (HTTP 4xx/5xx): its message;
     - the browser refused the answer because this page's origin is not in cors_origins:
       fetch() rejects with a TypeError, exactly as for a network failure, so the widget
       then probes GET /healthz with mode "no-cors" (no CORS check, an opaque answer): if
       that probe gets an answer, the server is reachable and the refusal was CORS;
     - the probe fails too: the server cannot be reached (network, server down);
     - this page's own Content-Security-Policy blocked the request (a
       securitypolicyviolation event names the govsearch address). */
(function () {
  "use strict";

  var SCRIPT = document.currentScript || (function () {
    var all = document.querySelectorAll("script[src*='govsearch-widget']");
    return all[all.length - 1];
  })();
  var SCRIPT_URL = SCRIPT ? new URL(SCRIPT.src, document.baseURI) : new URL(document.baseURI);
  var DEFAULT_BASE = SCRIPT_URL.href.replace(/\/static\/govsearch-widget\.js(?:[?#].*)?$/, "");
  var DEBOUNCE_MS = 250;
  // data-* attributes that configure the widget; every other data-NAME is a fixed filter NAME
  // (town, county, province, topic, year … any filter of the server's field model)
  var CONFIG_ATTRIBUTES = ["govsearch", "govsearch-ready", "api", "page-size", "target", "label", "placeholder", "error", "token"];
  var CSP_WAIT_MS = 400;  // a CSP violation event may arrive a little after fetch() has failed
  var cspBlocked = {};  // govsearch origin → true once this page's CSP blocked a request to it
  var cspWaiters = [];
  window.addEventListener("securitypolicyviolation", function (event) {
    var uri = event.blockedURI || "";
    Object.keys(cspBlocked).forEach(function (origin) {
      if (uri === origin || uri.indexOf(origin + "/") === 0) cspBlocked[origin] = true;
    });
    cspWaiters.splice(0).forEach(function (wake) { wake(); });
  }, true);

  function originOf(base) {
    try { return new URL(base, document.baseURI).origin; } catch (e) { return base; }
  }

  /* Resolve with true when this page's CSP blocked `origin`, waiting briefly for the event. */
  function blockedByCsp(origin) {
    return new Promise(function (resolve) {
      if (cspBlocked[origin]) { resolve(true); return; }
      var timer = setTimeout(function () { resolve(!!cspBlocked[origin]); }, CSP_WAIT_MS);
      cspWaiters.push(function () { clearTimeout(timer); resolve(!!cspBlocked[origin]); });
    });
  }
  var SNIPPET_CHARS = 110;
  var CONTEXT_BEFORE = 30;
  var counter = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function loadStylesheet(base) {
    var href = base + "/static/govsearch-widget.css";
    var links = document.querySelectorAll("link[rel='stylesheet']");
    for (var i = 0; i < links.length; i++) if (links[i].href === href) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }

  /* The passage around its first match, with <mark> around each match. `runs` are
     [start, end) in code points (as the API gives them), so slice by code point. */
  function snippet(passage, runs) {
    var chars = Array.from(passage || "");
    var start = 0, end = chars.length;
    if (chars.length > SNIPPET_CHARS) {
      var first = runs && runs.length ? runs[0][0] : 0;
      start = Math.max(0, first - CONTEXT_BEFORE);
      end = Math.min(chars.length, start + SNIPPET_CHARS);
      start = Math.max(0, end - SNIPPET_CHARS);
    }
    var frag = document.createDocumentFragment();
    if (start > 0) frag.appendChild(document.createTextNode("…"));
    var pos = start;
    (runs || []).forEach(function (run) {
      var a = Math.max(run[0], start), b = Math.min(run[1], end);
      if (a >= b) return;
      if (a > pos) frag.appendChild(document.createTextNode(chars.slice(pos, a).join("")));
      frag.appendChild(el("mark", "gsw-mark", chars.slice(a, b).join("")));
      pos = b;
    });
    if (pos < end) frag.appendChild(document.createTextNode(chars.slice(pos, end).join("")));
    if (end < chars.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }

  function Widget(root) {
    this.root = root;
    this.base = (root.getAttribute("data-api") || DEFAULT_BASE).replace(/\/+$/, "");
    this.pageSize = Math.min(20, Math.max(1, parseInt(root.getAttribute("data-page-size"), 10) || 5));
    this.target = root.getAttribute("data-target") || "_blank";
    this.token = root.getAttribute("data-token") || "";
    this.filters = {};
    var self = this;
    Array.prototype.forEach.call(root.attributes, function (attr) {
      var name = attr.name.slice(5);
      if (attr.name.indexOf("data-") !== 0 || CONFIG_ATTRIBUTES.indexOf(name) >= 0 || !attr.value) return;
      self.filters[name] = attr.value.split(/[,，]/).map(function (v) { return v.trim(); }).filter(Boolean);
    });
    this.timer = null;
    this.controller = null;
    this.seq = 0;
    this.origin = originOf(this.base);
    cspBlocked[this.origin] = cspBlocked[this.origin] || false;
    this.build();
  }

  Widget.prototype.build = function () {
    var id = "gsw-" + (++counter);
    var root = this.root;
    root.classList.add("gsw");
    root.setAttribute("role", "search");
    var form = el("form", "gsw-form");
    form.setAttribute("action", this.base + "/");
    form.setAttribute("method", "get");
    var label = el("label", "gsw-label", root.getAttribute("data-label") || "检索工作报告");
    label.htmlFor = id + "-q";
    var row = el("div", "gsw-row");
    var input = el("input", "gsw-input");
    input.type = "search";
    input.name = "q";
    input.id = id + "-q";
    input.autocomplete = "off";
    input.maxLength = 1000;
    input.placeholder = root.getAttribute("data-placeholder") || "输入检索词，如：五星支部";
    input.setAttribute("aria-controls", id + "-results");
    var button = el("button", "gsw-button", "搜索");
    button.type = "submit";
    row.appendChild(input);
    row.appendChild(button);
    var status = el("p", "gsw-status");
    status.id = id + "-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", status.id);
    var names = Object.keys(this.filters);
    var filters = this.filters;
    function scopeText(labels) {
      return "检索范围（固定）：" + names.map(function (name) {
        return (labels[name] || name) + " " + filters[name].join("、");
      }).join("；");
    }
    var scope = names.length ? el("p", "gsw-scope", scopeText({})) : null;
    if (scope) {
      // the filters' labels (乡镇, 主题 …) come from the server's field model
      fetch(this.base + "/api/fields", { credentials: "omit" }).then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (data) {
        var labels = {};
        ((data && data.filters) || []).forEach(function (f) { labels[f.name] = f.label; });
        scope.textContent = scopeText(labels);
      }).catch(function () { /* the names stay as written */ });
    }
    var results = el("ol", "gsw-results");
    results.id = id + "-results";
    var more = el("p", "gsw-more");
    form.appendChild(label);
    form.appendChild(row);
    if (scope) form.appendChild(scope);
    root.appendChild(form);
    root.appendChild(status);
    root.appendChild(results);
    root.appendChild(more);
    this.input = input;
    this.status = status;
    this.results = results;
    this.more = more;
    this.attachSuggestions(input);

    var self = this;
    input.addEventListener("input", function () {
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.search(input.value); }, DEBOUNCE_MS);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(self.timer);
      self.search(input.value);
    });
  };

  /* Suggestions as you type (govsearch-suggest.js, loaded from the same server). */
  Widget.prototype.attachSuggestions = function (input) {
    var url = this.base + "/api/suggest";
    if (window.GovsearchSuggest) { window.GovsearchSuggest.attach(input, url); return; }
    var src = this.base + "/static/govsearch-suggest.js";
    var script = document.querySelector("script[src='" + src + "']");
    if (!script) {
      script = document.createElement("script");
      script.src = src;
      script.defer = true;
      document.head.appendChild(script);
    }
    script.addEventListener("load", function () {
      if (window.GovsearchSuggest) window.GovsearchSuggest.attach(input, url);
    });
  };

  Widget.prototype.params = function (q, extra, unfixed) {
    var params = new URLSearchParams();
    if (q) params.append("q", q);
    var filters = this.filters;
    Object.keys(filters).forEach(function (name) {
      filters[name].forEach(function (v) { params.append(name, v); });
    });
    if (!unfixed && Object.keys(filters).length) params.append("fixed", Object.keys(filters).join(","));
    Object.keys(extra || {}).forEach(function (k) { params.append(k, extra[k]); });
    if (this.token) params.append("embed_token", this.token);
    return params;
  };

  Widget.prototype.clear = function (message) {
    this.results.replaceChildren();
    this.more.replaceChildren();
    this.status.textContent = message || "";
    this.status.removeAttribute("data-error");
    this.root.classList.remove("gsw-failed");
  };

  Widget.prototype.search = function (raw) {
    var q = (raw || "").trim();
    var seq = ++this.seq;
    if (this.controller) this.controller.abort();
    if (!q) { this.clear(""); this.root.removeAttribute("aria-busy"); return; }
    this.controller = window.AbortController ? new AbortController() : null;
    var url = this.base + "/api/search?" + this.params(q, { page_size: this.pageSize });
    var self = this;
    this.root.setAttribute("aria-busy", "true");
    this.status.textContent = "正在检索…";
    fetch(url, { signal: this.controller ? this.controller.signal : undefined, credentials: "omit",
                 headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, status: response.status, body: body }; },
                                    function () { return { ok: false, status: response.status, body: {} }; });
      })
      .then(function (res) {
        if (seq !== self.seq) return;
        self.root.removeAttribute("aria-busy");
        if (!res.ok) {
          self.fail("server", res.status, res.body && res.body.error ? res.body.error.message : "");
          return;
        }
        self.render(q, res.body);
      })
      .catch(function (err) {
        if (err && err.name === "AbortError") return;
        if (seq !== self.seq) return;
        self.diagnose(seq);
      });
  };

  /* fetch() failed without an answer: tell a CORS refusal from an unreachable server. */
  Widget.prototype.diagnose = function (seq) {
    var self = this;
    fetch(this.base + "/healthz?probe=" + Date.now(), { mode: "no-cors", credentials: "omit", cache: "no-store" })
      .then(function () { return "cors"; }, function () {
        return blockedByCsp(self.origin).then(function (csp) { return csp ? "csp" : "network"; });
      })
      .then(function (kind) {
        if (seq !== self.seq) return;
        self.root.removeAttribute("aria-busy");
        self.fail(kind);
      });
  };

  Widget.prototype.fail = function (kind, status, message) {
    var text;
    if (kind === "cors") {
      text = "无法检索：此页面的来源（" + location.origin + "）未被允许调用检索服务。管理员须把它加入检索服务的 " +
        "cors_origins 设置（GOVSEARCH_CORS_ORIGINS）。";
    } else if (kind === "csp") {
      text = "无法检索：本页的内容安全策略（CSP）不允许连接 " + this.base + "。管理员须在本页 CSP 的 connect-src 中加入它。";
    } else if (kind === "network") {
      text = "无法连接检索服务（" + this.base + "）：网络故障，或服务未启动。请稍后再试；持续出现请联系管理员。";
    } else {
      text = "检索服务出错（HTTP " + status + "）" + (message ? "：" + message : "") +
        (status >= 500 ? "。请稍后再试；持续出现请联系管理员。" : "");
    }
    this.clear(text);
    this.status.setAttribute("data-error", kind);
    this.root.classList.add("gsw-failed");
  };

  Widget.prototype.render = function (q, data) {
    var self = this;
    this.results.replaceChildren();
    this.more.replaceChildren();
    var dym = (data.did_you_mean || [])[0];
    if (dym) {
      var fix = el("button", "gsw-dym", "您是不是要找：" + dym.query + "（" + dym.total + " 段）");
      fix.type = "button";
      fix.addEventListener("click", function () { self.input.value = dym.query; self.search(dym.query); });
      this.more.appendChild(fix);
    }
    if (!data.total) {
      this.status.textContent = "没有找到包含“" + q + "”的段落";
      return;
    }
    var pinyin = data.expanded && data.expanded.pinyin;
    this.status.textContent = (pinyin ? "按拼音检索了“" + pinyin.searched + "”：" : "") +
      "找到 " + data.total + " 段，分属 " + data.total_docs + " 篇报告";
    (data.hits || []).forEach(function (hit) {
      var item = el("li", "gsw-hit" + (hit.match === "words" ? " gsw-words" : ""));
      var link = el("a", "gsw-title", hit.title || hit.doc_id);
      link.href = self.base + "/docs/" + encodeURIComponent(hit.doc_id) + "?" + new URLSearchParams(self.token ? { q: q, embed_token: self.token } : { q: q }) +
        "#" + encodeURIComponent(hit.passage_id);
      link.target = self.target;
      if (self.target === "_blank") link.rel = "noopener";
      var meta = el("p", "gsw-meta");
      meta.textContent = [hit.place_label || hit.town || "未注明地区", hit.year ? hit.year + "年" : "年份不详", hit.section || "正文开头"]
        .join(" · ");
      if (hit.match === "words") meta.appendChild(el("span", "gsw-badge", "词匹配"));
      var text = el("p", "gsw-snippet");
      text.appendChild(snippet(hit.passage, hit.highlights));
      item.appendChild(link);
      item.appendChild(meta);
      item.appendChild(text);
      self.results.appendChild(item);
    });
    if (data.total > (data.hits || []).length) {
      var all = el("a", "gsw-all", "查看全部 " + data.total + " 段结果");
      all.href = this.base + "/?" + this.params(q, null, true);  // on the full site the filters may be removed
      all.target = this.target;
      if (this.target === "_blank") all.rel = "noopener";
      this.more.appendChild(all);
    }
  };

  function init() {
    var base = DEFAULT_BASE;
    var roots = document.querySelectorAll("[data-govsearch]");
    if (!roots.length) return;
    loadStylesheet(roots[0].getAttribute("data-api") ? roots[0].getAttribute("data-api").replace(/\/+$/, "") : base);
    Array.prototype.forEach.call(roots, function (root) {
      if (root.getAttribute("data-govsearch-ready")) return;
      root.setAttribute("data-govsearch-ready", "1");
      root.govsearch = new Widget(root);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
