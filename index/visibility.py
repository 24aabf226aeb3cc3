"""Who may see a report: its ``visibility``, the folder rules that set it, API tokens
and signed embed tokens (docs/visibility.md).

A report's visibility is one value — ``public``, ``internal`` or a named group such as
``dept:财政局`` — from, first to last: a sidecar column ``visibility`` (metadata.tsv /
MANIFEST.tsv), the first folder rule of the settings whose pattern matches the report's
path (``internal/**`` → ``internal``), the settings' default (``public``).

A caller sees the reports whose visibility is one of its *groups*: anonymous callers
the anonymous groups (``public``), a token its own groups on top of those, the group
``*`` everything (the CLI without ``--as``).

API tokens are kept hashed (SHA-256 of a random secret) in ``tokens.json`` beside the
index; a token is ``gs_<id>_<secret>`` and shown once, when it is made. Embed tokens are
``<payload>.<signature>``: the payload (base64url JSON: groups, fixed filters, expiry)
signed with HMAC-SHA-256 under the server's embed secret, so a host page cannot change
what an embed shows without breaking the signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from index.errors import GovsearchError

PUBLIC = "public"
EVERYTHING = "*"  # the group that sees every report (the operator's CLI)
DEFAULT_ANONYMOUS = (PUBLIC,)
TOKENS_FILE = "tokens.json"
SECRET_FILE = "embed-secret"
TOKEN_PREFIX = "gs_"
# a visibility value: letters (any script), digits, . _ - and one ':' after a prefix (dept:财政局)
VALUE = re.compile(r"^[\w.\-]+(?::[\w.\-]+)?$")
MAX_VALUE_CHARS = 64


class VisibilityError(GovsearchError):
    code = "bad_parameter"


class BadToken(GovsearchError):
    """A token that is not one of ours, revoked, expired or with a bad signature (401)."""
    code = "bad_token"
    hint = ("send a token made by `govsearch token create` as 'Authorization: Bearer <token>', "
            "or an embed token from `govsearch token embed`; leave it out to search as an anonymous visitor")


def check_value(value: str) -> str:
    """A visibility value as written, or :class:`VisibilityError` saying why not."""
    value = (value or "").strip()
    if value == EVERYTHING:
        return value
    if not value or len(value) > MAX_VALUE_CHARS or not VALUE.match(value):
        raise VisibilityError(f"{value!r} is not a visibility: write public, internal or a group such as dept:财政局 "
                              f"(letters, digits, . _ - and one ':'; at most {MAX_VALUE_CHARS} characters)")
    return value


def check_groups(groups) -> tuple[str, ...]:
    if isinstance(groups, str):
        groups = re.split(r"[,，\s]+", groups)
    return tuple(dict.fromkeys(check_value(g) for g in groups if g and g.strip()))


# --------------------------------------------------------------------------- rules (build side)


@dataclass(frozen=True)
class Rules:
    """Folder rules (``(pattern, visibility)``, first match wins) and the default."""
    rules: tuple[tuple[str, str], ...] = ()
    default: str = PUBLIC

    def of(self, relpath: str) -> str:
        """The visibility of a report file at ``relpath`` (``/`` separators) by the rules."""
        path = PurePosixPath(relpath).as_posix()
        for pattern, value in self.rules:
            if _matches(path, pattern):
                return value
        return self.default

    def to_dict(self) -> dict:
        return {"default": self.default, "rules": [list(r) for r in self.rules]}

    @classmethod
    def from_mapping(cls, data: dict | None) -> "Rules":
        """``{"default": "public", "rules": {"internal/**": "internal"}}`` (rules as a
        table or as a list of pairs); :class:`VisibilityError` for a bad value."""
        data = dict(data or {})
        raw = data.get("rules") or {}
        pairs = list(raw.items()) if isinstance(raw, dict) else [tuple(p) for p in raw]
        rules = tuple((str(p).strip().strip("/"), check_value(str(v))) for p, v in pairs)
        return cls(rules, check_value(str(data.get("default") or PUBLIC)))


def _matches(path: str, pattern: str) -> bool:
    """A glob over the whole path: ``**`` any folders, ``*`` and ``?`` within one name
    (``internal/**`` is everything below internal/, ``*/draft-*`` drafts one level down)."""
    regex = re.escape(pattern).replace(r"\*\*", ".*").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
    return re.fullmatch(regex, path) is not None


def rules_from_settings(path: str | Path | None = None) -> Rules:
    """The ``[visibility]`` table of the settings file (``GOVSEARCH_CONFIG``, TOML or JSON):
    ``default`` and ``rules``; none: every report is public unless a sidecar says."""
    path = path or os.environ.get("GOVSEARCH_CONFIG")
    if not path:
        return Rules()
    path = Path(path)
    try:
        raw = path.read_bytes().decode("utf-8-sig")
        if path.suffix.lower() == ".toml":
            import tomllib

            data = tomllib.loads(raw)
        else:
            data = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise VisibilityError(f"settings file {path}: cannot read its [visibility] table ({exc})") from None
    table = data.get("visibility") if isinstance(data, dict) else None
    return Rules.from_mapping(table if isinstance(table, dict) else None)


# --------------------------------------------------------------------------- API tokens


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass
class TokenRecord:
    id: str
    name: str
    groups: list[str]
    hash: str
    created: str
    expires: int | None = None  # unix time, None: never
    revoked: bool = False

    def public(self) -> dict:
        return {"id": self.id, "name": self.name, "groups": self.groups, "created": self.created,
                "expires": self.expires, "revoked": self.revoked}


@dataclass
class TokenStore:
    """``tokens.json`` beside the index (hashes only)."""
    folder: Path
    _cache: tuple = field(default=(None, None), repr=False)

    @property
    def path(self) -> Path:
        return Path(self.folder) / TOKENS_FILE

    def records(self) -> list[TokenRecord]:
        try:
            stat = self.path.stat()
        except OSError:
            return []
        key = (stat.st_mtime_ns, stat.st_size)
        if self._cache[0] == key:
            return self._cache[1]
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            records = [TokenRecord(**r) for r in data.get("tokens", [])]
        except (OSError, ValueError, TypeError) as exc:
            raise GovsearchError(f"the token file {self.path} cannot be read: {exc}") from None
        self._cache = (key, records)
        return records

    def _write(self, records: list[TokenRecord]) -> None:
        Path(self.folder).mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"tokens": [r.__dict__ for r in records]}, ensure_ascii=False, indent=1),
                       encoding="utf-8")
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def create(self, name: str, groups, days: float | None = None) -> tuple[str, TokenRecord]:
        """A new token (shown once) and its record."""
        groups = list(check_groups(groups))
        if not groups:
            raise VisibilityError("give the groups the token may see, e.g. --groups internal,dept:财政局")
        records = self.records()
        token_id = secrets.token_hex(4)
        while any(r.id == token_id for r in records):
            token_id = secrets.token_hex(4)
        secret = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(24)}"
        record = TokenRecord(token_id, name or token_id, groups, _hash(secret),
                             time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                             int(time.time() + days * 86400) if days else None)
        self._write([*records, record])
        return secret, record

    def revoke(self, token_id: str) -> TokenRecord:
        records = self.records()
        for r in records:
            if r.id == token_id or r.name == token_id:
                r.revoked = True
                self._write(records)
                return r
        raise VisibilityError(f"no token {token_id!r}", "list them with `govsearch token list`")

    def groups_of(self, token: str, now: float | None = None) -> tuple[str, ...]:
        """The groups of an API token, or :class:`BadToken`."""
        m = re.fullmatch(rf"{TOKEN_PREFIX}([0-9a-f]{{8}})_[A-Za-z0-9_\-]+", token or "")
        if not m:
            raise BadToken("这不是 govsearch 的令牌 (the token is not a govsearch token)")
        digest = _hash(token)
        for r in self.records():
            if r.id == m.group(1) and hmac.compare_digest(r.hash, digest):
                if r.revoked:
                    raise BadToken("令牌已撤销 (the token was revoked)")
                if r.expires is not None and (now or time.time()) >= r.expires:
                    raise BadToken("令牌已过期 (the token has expired)")
                return tuple(r.groups)
        raise BadToken("本服务器没有这个令牌 (the token is not known to this server)")


# --------------------------------------------------------------------------- embed tokens


def embed_secret(folder: str | Path, create: bool = False) -> bytes | None:
    """The embed secret kept beside the index (``embed-secret``, made on first need)."""
    path = Path(folder) / SECRET_FILE
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        if not create:
            return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(value)
    return value


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class EmbedGrant:
    groups: tuple[str, ...]
    filters: dict  # fixed filters: {"town": ["大隗镇"]}
    expires: int


def sign_embed(secret: bytes, groups, filters: dict | None = None, seconds: float = 30 * 86400,
               now: float | None = None) -> str:
    """An embed token: groups and fixed filters, valid for ``seconds``."""
    payload = {"g": list(check_groups(groups)), "f": {k: [str(x) for x in (v if isinstance(v, (list, tuple)) else [v])]
                                                     for k, v in (filters or {}).items() if v},
               "exp": int((now or time.time()) + seconds)}
    body = _b64(json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return f"{body}.{_b64(hmac.new(secret, body.encode(), hashlib.sha256).digest())}"


def verify_embed(secret: bytes | None, token: str, now: float | None = None) -> EmbedGrant:
    """The grant of an embed token, or :class:`BadToken`."""
    body, _, signature = (token or "").partition(".")
    if not secret or not body or not signature:
        raise BadToken("嵌入令牌格式有误 (the embed token is malformed)" if secret
                       else "本服务器没有设置嵌入密钥 (this server has no embed secret)")
    expected = _b64(hmac.new(secret, body.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, signature):
        raise BadToken("嵌入令牌的签名不符 (the embed token's signature does not match)")
    try:
        payload = json.loads(_unb64(body))
        grant = EmbedGrant(tuple(check_groups(payload.get("g") or [])), dict(payload.get("f") or {}), int(payload["exp"]))
    except (ValueError, KeyError, TypeError, VisibilityError):
        raise BadToken("嵌入令牌格式有误 (the embed token is malformed)") from None
    if (now or time.time()) >= grant.expires:
        raise BadToken("嵌入令牌已过期 (the embed token has expired)",
                       "请重新打开嵌入检索的页面 (ask the site that embeds the search for a fresh page)")
    return grant


def groups_for(folder: str | Path, token: str, anonymous=DEFAULT_ANONYMOUS) -> tuple[tuple[str, ...], dict]:
    """(groups, fixed filters) of the holder of an API or embed token of the index in
    ``folder`` (the anonymous groups included), or :class:`BadToken`."""
    token = (token or "").strip()
    if "." in token:
        secret = os.environ.get("GOVSEARCH_EMBED_SECRET", "").encode("utf-8") or embed_secret(folder)
        grant = verify_embed(secret, token)
        return tuple(dict.fromkeys((*anonymous, *grant.groups))), grant.filters
    return tuple(dict.fromkeys((*anonymous, *TokenStore(folder).groups_of(token)))), {}
