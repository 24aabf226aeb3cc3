"""One place that turns errors into responses.

Under ``/api/`` and ``/healthz`` every error is JSON ``{"error": {"code", "message"}}``
(and ``"hint"``, the next step, when there is one)
with the status of the error (400 bad parameter or query, 404 unknown document, 503 no
index); HTML pages get a short Chinese explanation with the same status. Never a
traceback.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from index.errors import GovsearchError, index_command
from web.cors import is_cors_path

# the HTTP status of each error code of index/errors.py (the engine's errors carry no
# HTTP of their own); a code not listed is a server error
ERROR_STATUS = {"bad_query": 400, "bad_parameter": 400, "not_found": 404, "corpus_mismatch": 409,
                "build_running": 409, "no_index": 503,
                "bad_token": 401}


def status_of(exc: GovsearchError) -> int:
    return ERROR_STATUS.get(exc.code, 500)


HTTP_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
              413: "too_large", 414: "uri_too_long"}
TITLES = {400: "请求有误", 401: "身份验证失败", 403: "不允许访问", 404: "找不到页面", 405: "不支持的请求方式",
          500: "服务器内部错误", 503: "检索服务暂不可用"}
ADVICE = {
    "bad_query": "请检查检索词的写法，例如引号是否成对、年份是否为四位数字。",
    "bad_parameter": "请检查地址中的参数，例如页码应为正整数。",
    "not_found": "这篇报告可能已从索引中删除，或者链接有误。",
    "bad_token": "访问令牌无效、已撤销或已过期，请重新登录或向管理员申请新的令牌。",
    "no_index": "索引尚未建立或暂时无法读取，请联系管理员运行 govsearch index build。",
}


# a page's HTTP errors (no route, a method it does not take …) as people read them; a
# report that is not in the index is the engine's not_found, with ADVICE's words
PAGE_MESSAGES = {404: "没有这个页面。", 405: "这个页面不接受这种请求方式。", 413: "请求的内容太大。",
                 414: "地址太长。"}
# the same under /api/ and /healthz, in both languages as the engine's messages
JSON_MESSAGES = {404: "没有这个地址 (no such path)", 405: "只接受 GET 请求 (method not allowed: use GET)",
                 413: "请求的内容太大 (request too large)", 414: "地址太长 (URI too long)"}
PAGE_ADVICE = {404: "请检查地址，或回到首页重新检索。", 413: "请缩短检索词或减少筛选条件。",
               414: "请缩短检索词或减少筛选条件。"}


def json_error(status: int, code: str, message: str, hint: str = "") -> Response:
    error = {"code": code, "message": message}
    if hint:
        error["hint"] = hint
    response = jsonify({"error": error})
    response.status_code = status
    return response


def _wants_json() -> bool:
    return is_cors_path(request.path)


def _html_error(status: int, code: str, message: str, advice: str | None = None):
    body = render_template("error.html", status=status, title=TITLES.get(status, "出错了"),
                           message=message, advice=ADVICE.get(code, "") if advice is None else advice)
    return body, status


def server_index() -> str | None:
    """The index folder of this app, absolute: hints name it for an administrator,
    whose shell need not be in the server's folder."""
    web = current_app.extensions.get("govsearch")
    index = getattr(getattr(web, "config", None), "index", None)
    return str(Path(index).resolve()) if index else None


def explain(exc: GovsearchError) -> GovsearchError:
    """The error with its hint's `govsearch index …` commands naming this app's index."""
    return exc.for_index(server_index(), always=True)


def handle_govsearch_error(exc: GovsearchError):
    explain(exc)
    if _wants_json():
        response = json_error(status_of(exc), exc.code, exc.message, exc.hint)
    else:
        advice = None
        if exc.code == "no_index" and server_index():
            advice = f"索引尚未建立或暂时无法读取，请联系管理员运行 {index_command('build', server_index(), always=True)}。"
        body, status = _html_error(status_of(exc), exc.code, exc.message, advice)
        response = Response(body, status, mimetype="text/html")
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="govsearch"'
    return response


def handle_http_error(exc: HTTPException):
    status = exc.code or 500
    code = HTTP_CODES.get(status, "http_error")
    if _wants_json():
        response = json_error(status, code, JSON_MESSAGES.get(status) or exc.description or exc.name)
        if status == 405 and exc.get_response().headers.get("Allow"):
            response.headers["Allow"] = exc.get_response().headers["Allow"]
        return response
    if status in PAGE_MESSAGES:  # Werkzeug's own words are English and, for 404, about a URL typed by hand
        return _html_error(status, code, PAGE_MESSAGES[status], PAGE_ADVICE.get(status, ""))
    return _html_error(status, code, exc.description or exc.name)


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http_error(exc)
    current_app.logger.exception("unexpected error on %s", request.path)
    if _wants_json():
        return json_error(500, "internal", "内部错误，已记录日志 (internal error; it has been logged)")
    return _html_error(500, "internal", "内部错误，已记录日志。请稍后再试。")


def init_app(app: Flask) -> None:
    app.register_error_handler(GovsearchError, handle_govsearch_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
