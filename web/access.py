"""Who is asking, and the searcher that answers them (docs/visibility.md).

Every route that reads the index takes its searcher from :func:`searcher`, never from
the app's own: the caller's groups decide which reports exist for the answer
(search/visibility.py). A caller is, first match wins:

* ``Authorization: Bearer <token>`` — an API token (``govsearch token create``) or an
  embed token (``govsearch token embed``);
* the trusted header of the reverse proxy (setting ``token_header``, off by default),
  holding an API token, for staff signed in to the intranet;
* ``embed_token=<token>`` in the URL — the signed token of an iframe or widget; its
  fixed filters narrow everything it shows;
* anonymous: the groups of the setting ``anonymous_groups`` (``public``).

A token's groups are added to the anonymous ones. A token that is wrong, revoked or
expired is 401 with a hint (never treated as anonymous: the caller meant to sign in).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, g, request

from index.visibility import BadToken, TokenStore, embed_secret, verify_embed

EMBED_PARAMETER = "embed_token"


@dataclass(frozen=True)
class Caller:
    groups: tuple[str, ...]
    how: str  # "anonymous", "token", "proxy", "embed"
    fixed: dict = field(default_factory=dict)  # an embed token's filters

    @property
    def anonymous(self) -> bool:
        return self.how == "anonymous"


def _web():
    return current_app.extensions["govsearch"]


def _stores(web) -> TokenStore:
    stores = current_app.extensions.setdefault("govsearch_tokens", {})
    folder = web.config.index
    if folder not in stores:
        stores[folder] = TokenStore(folder)
    return stores[folder]


def secret_of(web) -> bytes | None:
    """The embed secret: the setting ``embed_secret``, else the file beside the index."""
    if web.config.embed_secret:
        return web.config.embed_secret.encode("utf-8")
    return embed_secret(web.config.index)


def anonymous_caller(web=None) -> Caller:
    web = web or _web()
    return Caller(tuple(web.config.anonymous_groups), "anonymous")


def caller() -> Caller:
    """The caller of this request (worked out once per request)."""
    found = g.get("govsearch_caller")
    if found is not None:
        return found
    web = _web()
    anonymous = tuple(web.config.anonymous_groups)
    found = anonymous_caller(web)
    auth = request.headers.get("Authorization", "")
    header = web.config.token_header
    if request.endpoint == "_metrics":  # its bearer token is the scraper's (metrics_token), not a reader's
        auth = ""
    g.govsearch_caller = found  # until the token is known good (the error page is rendered as for anyone)
    if auth:
        scheme, _, token = auth.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise BadToken("Authorization 头应为 'Bearer <令牌>' (the Authorization header must be 'Bearer <token>')")
        found = _from_token(web, token, anonymous, "token")
    elif header and request.headers.get(header, "").strip():
        found = _from_token(web, request.headers[header].strip(), anonymous, "proxy")
    elif request.args.get(EMBED_PARAMETER, "").strip():
        found = _from_token(web, request.args[EMBED_PARAMETER].strip(), anonymous, "embed")
    g.govsearch_caller = found
    return found


def _from_token(web, token: str, anonymous: tuple[str, ...], how: str) -> Caller:
    if "." in token:  # payload.signature: an embed token
        grant = verify_embed(secret_of(web), token)
        return Caller(tuple(dict.fromkeys((*anonymous, *grant.groups))), "embed", grant.filters)
    if how == "embed":
        raise BadToken("embed_token 应为签名的嵌入令牌（govsearch token embed），不能是 API 令牌 "
                       "(embed_token must be a signed embed token (govsearch token embed), not an API token)",
                       "API 令牌不要写进网页地址，请用 'Authorization: Bearer <令牌>' 发送 "
                       "(never put an API token in a page's address: send it as 'Authorization: Bearer <token>')")
    groups = _stores(web).groups_of(token)
    return Caller(tuple(dict.fromkeys((*anonymous, *groups))), how)


def searcher():
    """The app's searcher as this request's caller sees the index."""
    who = caller()
    return _web().searcher.scoped(who.groups, who.fixed or None)


def anonymous_searcher(web=None):
    """What an anonymous visitor sees (/metrics, the hot queries)."""
    web = web or _web()
    return web.searcher.scoped(tuple(web.config.anonymous_groups))


def init_app(app) -> None:
    """Answers depend on who asks: shared caches must keep them apart and keep none of a
    signed-in caller's."""

    @app.before_request
    def _who():
        if request.endpoint != "static":
            caller()  # a bad token is 401 before anything is read

    @app.after_request
    def _vary(response):
        header = app.extensions["govsearch"].config.token_header
        response.vary.add("Authorization")
        if header:
            response.vary.add(header)
        who = g.get("govsearch_caller")
        if who is not None and not who.anonymous:
            response.headers["Cache-Control"] = "private, no-store"
        return response
