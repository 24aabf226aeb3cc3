"""Web settings: ONE table, read from defaults → config file → ``GOVSEARCH_*`` env → mapping.

Every setting has a name (the key in a config file or in the mapping given to
``create_app``), an environment variable (``GOVSEARCH_`` + the name in capitals), a
default and a help text. The README (section "Web") lists the same table.

A config file is named by ``GOVSEARCH_CONFIG`` (or the ``config_file`` key of the
mapping); it is TOML (``.toml``) or JSON (``.json``) holding the same names, either at
the top level or under a ``[web]`` table. Values are checked once, at start-up, and a
bad one stops the app with a message saying which setting, from where, and why.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from search.engine import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

ENV_PREFIX = "GOVSEARCH_"
CONFIG_ENV = "GOVSEARCH_CONFIG"


class ConfigError(ValueError):
    """A setting that cannot be used; the message names it and says why."""


# --------------------------------------------------------------------------- parsers


def _text(value: Any) -> str:
    if not isinstance(value, (str, Path)):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return str(value).strip()


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected a whole number")
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"expected a whole number, got {value!r}") from None


def _positive(value: Any) -> int:
    n = _int(value)
    if n < 1:
        raise ValueError(f"must be 1 or more, got {n}")
    return n


def _hops(value: Any) -> int:
    n = _int(value)
    if not 0 <= n <= 10:
        raise ValueError(f"must be between 0 and 10, got {n}")
    return n


def _zero_or_more(value: Any) -> int:
    n = _int(value)
    if n < 0:
        raise ValueError(f"must be 0 or more, got {n}")
    return n


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(str(value)).lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _list(value: Any) -> list[str]:
    """A list, or text separated by commas and/or white space."""
    if isinstance(value, (list, tuple)):
        items = [_text(v) for v in value]
    else:
        items = re.split(r"[,\s]+", _text(value))
    return [i for i in items if i]


_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+$")


def _origins(value: Any) -> list[str]:
    origins = _list(value)
    for o in origins:
        if o != "*" and not _ORIGIN.match(o):
            raise ValueError(f"{o!r} is not an origin: write scheme://host[:port] without a path, e.g. http://oa.example.gov.cn")
    if "*" in origins and len(origins) > 1:
        raise ValueError("'*' allows every origin: give it alone or list the origins")
    return [o.rstrip("/") for o in origins]


_SOURCE = re.compile(r"^(?:'self'|'none'|\*|https?:|(?:https?://)?(?:\*\.)?[A-Za-z0-9.\-]+(?::(?:\d+|\*))?)$")


def _ancestors(value: Any) -> list[str]:
    sources = [{"self": "'self'", "none": "'none'"}.get(s, s) for s in _list(value)]
    if not sources:
        raise ValueError("give at least one source, e.g. 'self' (or 'none' to forbid framing)")
    for s in sources:
        if not _SOURCE.match(s):
            raise ValueError(f"{s!r} is not a CSP source: use 'self', 'none', https://host, http://host:port or *.example.gov.cn")
    if "'none'" in sources and len(sources) > 1:
        raise ValueError("'none' cannot be combined with other sources")
    return sources


def _prefix(value: Any) -> str:
    prefix = _text(value).rstrip("/")
    if prefix and (not prefix.startswith("/") or not re.fullmatch(r"(/[A-Za-z0-9._~\-]+)+", prefix)):
        raise ValueError(f"must be a path such as /search (letters, digits, . _ ~ -), got {value!r}")
    return prefix


def _groups(value: Any) -> list[str]:
    from index.visibility import VisibilityError, check_groups

    try:
        return list(check_groups(_list(value)))
    except VisibilityError as exc:
        raise ValueError(exc.message) from None


def _header(value: Any) -> str:
    name = _text(value)
    if name and not re.fullmatch(r"[A-Za-z0-9-]+", name):
        raise ValueError(f"{name!r} is not a header name (letters, digits and -)")
    if name.lower() in ("authorization", "cookie", "host"):
        raise ValueError(f"{name} cannot be the trusted header: name one the proxy sets, e.g. X-Govsearch-Token")
    return name


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[Any], Any]
    help: str

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("index", "var/index", _text,
            "Index folder built by `govsearch index build`. The app reopens it by itself when a build or update switches it."),
    Setting("url_prefix", "", _prefix,
            "Path the app is mounted under when a reverse proxy forwards it without stripping it, e.g. /search. "
            "Leave empty when the proxy strips the prefix and sends X-Forwarded-Prefix instead."),
    Setting("proxy_hops", 0, _hops,
            "Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host/-Prefix headers are trusted; "
            "0 (the default) ignores them, as a server reached directly must: set 1 behind the nginx sample."),
    Setting("cors_origins", [], _origins,
            "Origins (scheme://host[:port]) whose pages may call /api/ from a browser, e.g. the intranet portal using the widget; '*' for any. Empty: none."),
    Setting("frame_ancestors", ["'self'"], _ancestors,
            "CSP frame-ancestors for /embed: the pages that may show it in an <iframe> ('self', 'none', https://oa.example.gov.cn, *.example.gov.cn)."),
    Setting("page_size", DEFAULT_PAGE_SIZE, _positive, "Passages per results page when the URL does not say."),
    Setting("max_page_size", MAX_PAGE_SIZE, _positive, "Largest page_size a request may ask for (the page size cap)."),
    Setting("csv_max_rows", 5000, _positive, "Most passages one CSV export holds."),
    Setting("document_max_passages", 5000, _positive,
            "Most passages one report page (/docs/<id>) shows; a longer report shows its first ones and says how "
            "many more there are (the whole report stays available at /api/docs/<id> and `govsearch show`)."),
    Setting("site_title", "政府工作报告检索", _text, "Name shown in the page header and browser tab."),
    Setting("site_subtitle", "", _text,
            "Line under the name in the page header; empty: from the levels of the indexed reports "
            "(乡镇/街道报告全文检索, 全国、省级报告全文检索 …)."),
    Setting("home_examples", [], _list,
            "Example queries on the home and comparison pages (comma-separated); empty: distinctive terms drawn "
            "from the index (dictionary terms found in several passages but not everywhere)."),
    Setting("request_log", True, _bool,
            "Log one line per search request (logger govsearch.requests): time, route, status, latency, hits. "
            "Never the client's address."),
    Setting("log_queries", False, _bool, "Add the query text to the request log line (off: queries may be personal)."),
    Setting("metrics", False, _bool,
            "Serve GET /metrics in Prometheus text format (requests, latency histogram, index generation, documents, "
            "last build time and result), summed over the processes of --workers. Off: 404."),
    Setting("metrics_token", "", _text,
            "Bearer token a scraper must send (Authorization: Bearer <token>) to read /metrics. Empty: only clients "
            "on this machine (loopback) that did not come through a proxy (no X-Forwarded-For) may; others get 404."),
    Setting("reload_in_background", True, _bool,
            "After a rebuild or update switched the index, the first request loads the new index in a background "
            "thread and waits for it at most 0.25 s; until it is ready, requests are answered from the previous index "
            "(a switch never holds a request up for long). False: the first request after the switch waits until the "
            "new index is open."),
    Setting("cache_mib", 0, _zero_or_more,
            "MiB each of the two per-index caches of a worker process may hold (the term cache and the ranker's "
            "word statistics: up to twice this in all). 0: derived from the index, 96 bytes a passage between 32 and "
            "256 MiB (32 MiB up to about 350,000 passages). See docs/operating.md, *Memory: the per-index caches*."),
    Setting("synonyms_file", "", _text,
            "Synonym table used at query time (format in docs/searching.md, section Query assistance); empty: the shipped "
            "index/data/synonyms.txt. Re-read when it changes, no rebuild or restart."),
    Setting("query_log", False, _bool,
            "Hot queries (热门搜索): keep anonymous per-day counts of the queries that found results (the text and "
            "salted hashes of the visitors, never an address) and list those typed by hot_queries_min_visitors "
            "different visitors. Off (the default): nothing is recorded and no hot queries are shown."),
    Setting("hot_queries_min_visitors", 3, _positive,
            "Different visitors (address + browser, hashed) who must have searched a query before it is listed "
            "as a hot query; behind a proxy set proxy_hops, or every visitor is the proxy."),
    Setting("hot_queries_max_chars", 20, _positive,
            "Longest query (in characters, spaces collapsed) that is counted for the hot queries; longer ones never are."),
    Setting("hot_queries_block", [], _list,
            "Words (comma or space separated) an operator keeps off the hot queries list: a query containing one "
            "(after normalization: case, width, traditional characters) is neither counted nor listed."),
    Setting("query_log_days", 30, _positive, "Days the query counts are kept; older days are dropped."),
    Setting("query_log_file", "", _text,
            "JSON file the query counts are saved to and read back from at start-up; empty: kept in memory only."),
    Setting("anonymous_groups", ["public"], _groups,
            "Visibility groups a visitor without a token sees (comma-separated); a token's groups are added to "
            "these. See docs/visibility.md."),
    Setting("token_header", "", _header,
            "Request header the reverse proxy sets to the API token of the signed-in intranet user (e.g. "
            "X-Govsearch-Token), so the pages show what that user's groups may see; empty (the default): no header "
            "is trusted. The proxy must remove the header from what clients send."),
    Setting("embed_secret", "", _text,
            "Secret that signs embed tokens (HMAC); empty: the file embed-secret beside the index, made by "
            "`govsearch token embed`."),
    Setting("channel_timeout", 30, _positive,
            "Seconds a connection may stay silent (no request, or a request that stops arriving) before the "
            "server closes it, so slow or idle clients cannot hold connections."),
    Setting("connection_limit", 500, _positive,
            "Open connections one process serves at once; a connection over the limit gets 503 JSON "
            "(code too_many_connections) and is closed, instead of waiting."),
)

BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class WebConfig:
    index: str
    url_prefix: str
    proxy_hops: int
    cors_origins: list[str]
    frame_ancestors: list[str]
    page_size: int
    max_page_size: int
    csv_max_rows: int
    document_max_passages: int
    site_title: str
    site_subtitle: str
    home_examples: list[str]
    request_log: bool
    log_queries: bool
    metrics: bool
    reload_in_background: bool
    cache_mib: int
    synonyms_file: str
    query_log: bool
    query_log_days: int
    query_log_file: str
    metrics_token: str
    hot_queries_min_visitors: int
    hot_queries_max_chars: int
    hot_queries_block: list[str]
    channel_timeout: int
    connection_limit: int
    anonymous_groups: list[str]
    token_header: str
    embed_secret: str
    sources: dict[str, str]  # setting name → where its value came from

    def as_dict(self) -> dict[str, Any]:
        return {s.name: getattr(self, s.name) for s in SETTINGS}


# --------------------------------------------------------------------------- loading


def read_config_file(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"config file {path}: cannot read it ({exc.strerror or exc})") from None
    try:
        if path.suffix.lower() == ".toml":
            import tomllib

            data = tomllib.loads(raw.decode("utf-8-sig"))
        elif path.suffix.lower() == ".json":
            data = json.loads(raw.decode("utf-8-sig"))
        else:
            raise ConfigError(f"config file {path}: name it .toml or .json")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path}: not valid {path.suffix[1:].upper()}: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path}: the top level must be a table of settings")
    if isinstance(data.get("web"), dict):
        data = data["web"]
    data = {k: v for k, v in data.items() if k != "visibility"}  # the build's folder rules (index/visibility.py)
    return data


def _key(name: str) -> str:
    key = name.lower()
    return key[len(ENV_PREFIX):] if key.startswith(ENV_PREFIX.lower()) else key


def load_config(overrides: Mapping[str, Any] | None = None,
                environ: Mapping[str, str] | None = None) -> tuple[WebConfig, dict[str, Any]]:
    """Return the checked settings and the Flask settings (upper-case keys such as
    ``TESTING``) found in ``overrides``."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    flask_extra = {k: overrides.pop(k) for k in list(overrides) if k.isupper() and _key(k) not in BY_NAME
                   and k != CONFIG_ENV}
    raw: dict[str, tuple[Any, str]] = {s.name: (s.default, "default") for s in SETTINGS}

    file_path = overrides.pop("config_file", None) or overrides.pop(CONFIG_ENV, None) or environ.get(CONFIG_ENV)
    if file_path:
        for name, value in read_config_file(file_path).items():
            key = _key(name)
            if key not in BY_NAME:
                raise ConfigError(f"config file {file_path}: unknown setting {name!r}; known: {', '.join(BY_NAME)}")
            raw[key] = (value, f"config file {file_path}")
    for s in SETTINGS:
        if s.env in environ:
            raw[s.name] = (environ[s.env], f"environment variable {s.env}")
    for name, value in overrides.items():
        key = _key(name)
        if key not in BY_NAME:
            raise ConfigError(f"unknown setting {name!r} passed to create_app; known: {', '.join(BY_NAME)}")
        raw[key] = (value, "create_app()")

    values: dict[str, Any] = {}
    for s in SETTINGS:
        value, source = raw[s.name]
        try:
            values[s.name] = s.parse(value)
        except ValueError as exc:
            raise ConfigError(f"setting {s.name} ({s.env}) from {source}: {exc}") from None
    if values["page_size"] > values["max_page_size"]:
        raise ConfigError(f"setting page_size ({values['page_size']}) is larger than max_page_size ({values['max_page_size']})")
    if values["synonyms_file"]:
        from search.synonyms import SynonymError, SynonymSource

        try:
            SynonymSource(values["synonyms_file"])
        except SynonymError as exc:
            raise ConfigError(f"setting synonyms_file (GOVSEARCH_SYNONYMS_FILE) from {raw['synonyms_file'][1]}: {exc.message}") from None
    if not values["index"]:
        raise ConfigError("setting index (GOVSEARCH_INDEX): give the index folder")
    return WebConfig(**values, sources={k: v[1] for k, v in raw.items()}), flask_extra
