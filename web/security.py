"""What every request passes first: the access token (when the server listens beyond this
computer), the host name (against DNS rebinding), same-site posts only, and the upload cap."""

from __future__ import annotations

import hmac
import ipaddress
from html import escape
from urllib.parse import urlencode, urlsplit

from starlette.datastructures import URL, Headers, QueryParams
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.uploads import too_large_message

COOKIE = "rotation_token"
HEADER = "x-rotation-token"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
DRAIN_LIMIT = 512 * 1024 * 1024  # bytes of a refused upload read away at most


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def page(status: int, title: str, text: str) -> HTMLResponse:
    """A plain page for refusals made before the app's templates are involved."""
    body = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
        '<body style="font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.6">'
        f'<h1>{escape(title)}</h1><p>{escape(text)}</p><p><a href="/">返回工作台</a></p></body></html>'
    )
    return HTMLResponse(body, status_code=status)


class UploadTooLarge(Exception):
    """A request body beyond the cap (raised while the form is read)."""


class Guard:
    """Token, host and same-site checks for every HTTP request."""

    def __init__(self, app: ASGIApp, token: str | None = None, allowed_hosts: set[str] | None = None) -> None:
        self.app = app
        self.token = token
        self.allowed_hosts = {h.lower() for h in allowed_hosts} if allowed_hosts else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope) -> Response | None:
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if self.allowed_hosts is not None and _host_name(host) not in self.allowed_hosts:
            return page(400, "地址不对", "请用 rotation serve 显示的地址（http://127.0.0.1:端口/）打开工作台。")
        if self.token:
            query = QueryParams(scope.get("query_string", b"").decode("latin-1"))
            given = query.get("token")
            if given is not None and hmac.compare_digest(given.encode(), self.token.encode()):
                # first visit from the printed address: keep the token in a cookie, drop it from the address
                rest = urlencode([(k, v) for k, v in query.multi_items() if k != "token"])
                target = URL(scope=scope).path + (f"?{rest}" if rest else "")
                response = RedirectResponse(target, status_code=303)
                response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict")
                return response
            carried = _cookie(headers, COOKIE) or headers.get(HEADER, "")
            if not hmac.compare_digest(carried.encode(), self.token.encode()):
                return page(
                    401,
                    "需要访问口令",
                    "这个工作台需要访问口令：请打开启动工作台时显示的完整地址（带 ?token=…），或向启动它的同事索取。",
                )
        if scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            origin = headers.get("origin")
            if headers.get("sec-fetch-site") == "cross-site" or (
                origin is not None and origin != "null" and urlsplit(origin).netloc.lower() != host.lower()
            ):
                return page(403, "已拒绝", "拒绝了来自其他网站的提交：请直接在工作台页面上操作。")
        return None


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _cookie(headers: Headers, name: str) -> str:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


class BodyLimit:
    """Refuses request bodies over ``limit`` bytes: at once when the declared length says so,
    else by :class:`UploadTooLarge` while the body streams in (the app turns it into a page)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            # read the body away first: a browser still sending shows a reset connection, not the page
            drained = 0
            while drained <= DRAIN_LIMIT:
                message = await receive()
                drained += len(message.get("body", b""))
                if message["type"] != "http.request" or not message.get("more_body"):
                    break
            await page(413, "文件过大", too_large_message())(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise UploadTooLarge
            return message

        await self.app(scope, limited, send)
