"""Security headers on every response of the web server, and Streamlit's metrics endpoint switched off.

Streamlit 1.67 serves the app with Starlette under uvicorn and has no option for response headers, and it
always serves ``/_stcore/metrics`` (the server's session and cache statistics, to anyone who asks). Its
public ``st.App`` takes ASGI middleware, so ``serve.py`` (what ``make run`` starts) wraps ``app.py`` in
:class:`SecurityHeaders`, which

- adds ``X-Frame-Options: SAMEORIGIN`` and ``Content-Security-Policy: frame-ancestors 'self'`` (no other
  site may show the app in a frame and trick a student into clicking), ``X-Content-Type-Options: nosniff``
  (a file is never run as another type than the one it is served as) and ``Referrer-Policy: same-origin``
  (the workspace id in the page's URL is never sent to another site) to every HTTP response, and
- answers ``404`` to ``/_stcore/metrics`` (under any ``server.baseUrlPath``) before Streamlit sees it.

Websocket traffic passes through untouched. ``streamlit run app.py`` still works, without the headers:
:func:`warn_if_unprotected`, called by ``app.py``, logs that once. Nothing here uses Streamlit's private API.

Example:
    >>> import asyncio
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> def run(coroutine):  # in a thread of its own: the caller's thread may already run an event loop
    ...     with ThreadPoolExecutor(1) as pool:
    ...         return pool.submit(asyncio.run, coroutine).result()
    >>> sent = []
    >>> async def hello(scope, receive, send):
    ...     await send({"type": "http.response.start", "status": 200, "headers": []})
    ...     await send({"type": "http.response.body", "body": b"hi"})
    >>> async def collect(message):
    ...     sent.append(message)
    >>> run(SecurityHeaders(hello)({"type": "http", "path": "/"}, None, collect))
    >>> dict(sent[0]["headers"])[b"x-frame-options"]
    b'SAMEORIGIN'
    >>> sent.clear()
    >>> run(SecurityHeaders(hello)({"type": "http", "path": "/_stcore/metrics"}, None, collect))
    >>> sent[0]["status"]
    404
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)

HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)
BLOCKED = (("_stcore", "metrics"),)  # the last path segments answered 404, whatever the base URL path
_OURS = {name for name, _ in HEADERS}
# set once when the server starts (serve.py imports it) and by the first warning; never per request
_state = {"installed": False, "warned": False}
_lock = threading.Lock()


def blocked(path: str) -> bool:
    """Whether ``path`` is an endpoint the server must not answer.

    Example:
        >>> blocked("/_stcore/metrics"), blocked("/class/_stcore/metrics/"), blocked("/_stcore/health")
        (True, True, False)
    """
    segments = tuple(part for part in path.split("/") if part)
    return any(segments[-len(tail) :] == tail for tail in BLOCKED)


class SecurityHeaders:
    """ASGI middleware: the headers of :data:`HEADERS` on every HTTP response; 404 for :func:`blocked` paths.

    Args:
        app: The ASGI application it wraps (Streamlit's).
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope.get("type") != "http":  # the websocket and the lifespan pass untouched
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message.get("type") == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
                message = {**message, "headers": [*kept, *HEADERS]}
            await send(message)

        if blocked(scope.get("path", "")):
            await send_with_headers(
                {"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]}
            )
            await send({"type": "http.response.body", "body": b"Not found"})
            return
        await self.app(scope, receive, send_with_headers)


def middleware() -> list:
    """The middleware list for ``st.App(..., middleware=...)``; marks the server as protected."""
    from starlette.middleware import Middleware

    with _lock:
        _state["installed"] = True
    return [Middleware(SecurityHeaders)]


def warn_if_unprotected() -> bool:
    """Log once per server when it was started without :func:`middleware` (``streamlit run app.py`` rather
    than ``make run`` / ``streamlit run serve.py``); return whether the headers are on."""
    with _lock:
        if not _state["installed"] and not _state["warned"]:
            _state["warned"] = True
            log.warning(
                "rnnlab is served without its security headers and with /_stcore/metrics open: "
                "start it with `make run` or `streamlit run serve.py` (see README, Running it for a class)"
            )
        return bool(_state["installed"])
