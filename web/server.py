"""``rotation serve``: the workbench on this computer, opened in the planner's browser."""

from __future__ import annotations

import errno
import secrets
import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

DEFAULT_PORT = 8765
PORT_TRIES = 20  # the default port taken (another program, a second workbench): try the next ones
DEFAULT_WORKSPACE = "rotation-workspace"


def default_workspace() -> Path:
    """A folder in the user's home, found again next time (Documents is not always there)."""
    return Path.home() / DEFAULT_WORKSPACE


class ServeError(Exception):
    """The server cannot start; the message is for the planner."""


def bind(host: str, port: int | None) -> socket.socket:
    """A listening socket on ``port``, or on the first free one from the default."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    candidates = [port] if port is not None else [DEFAULT_PORT + i for i in range(PORT_TRIES)]
    last: OSError | None = None
    for candidate in candidates:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows: refuse a port another program holds
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
            else:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host.strip("[]"), candidate))
            sock.listen(128)
            sock.setblocking(False)
            return sock
        except OSError as error:
            sock.close()
            last = error
    if port is not None and last is not None and last.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
        raise ServeError(f"端口 {port} 已被占用（也许工作台已经打开了）：请换一个端口，如 --port {port + 1}")
    if port is None:
        raise ServeError(f"端口 {DEFAULT_PORT}–{DEFAULT_PORT + PORT_TRIES - 1} 都被占用：请用 --port 指定一个端口")
    raise ServeError(f"无法在 {host}:{port} 上启动：{last}")


def _open_when_ready(server: object, url: str) -> None:
    for _ in range(200):
        if getattr(server, "started", False):
            webbrowser.open(url)
            return
        time.sleep(0.05)


def serve(
    workspace: Path | None,
    host: str,
    port: int | None,
    token: str | None,
    open_browser: bool,
    echo: Callable[[str], None] = print,
) -> None:
    """Run the workbench until Ctrl-C; raises ServeError when it cannot start."""
    import uvicorn

    from web.app import create_app
    from web.security import LOOPBACK_NAMES, is_loopback

    loopback = is_loopback(host)
    generated = False
    if not loopback and not token:
        token, generated = secrets.token_urlsafe(16), True
    folder = (workspace or default_workspace()).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ServeError(f"无法建立工作文件夹 {folder}：{error.strerror or error}") from error
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    shown = "127.0.0.1" if loopback else host
    url = f"http://{shown}:{actual}/"
    app = create_app(folder, token=token, allowed_hosts=LOOPBACK_NAMES if loopback else None)
    echo(f"排班工作台已启动：{url}")
    if generated:
        echo(f"其他电脑访问需要口令（只显示这一次）：{url}?token={token}")
    elif token:
        echo("每个请求都要带口令：第一次请打开 地址?token=口令")
    echo(f"工作文件夹：{folder.resolve()}")
    echo("关闭这个窗口或按 Ctrl-C 即停止工作台（正在进行的排班会停下并保存目前最好的结果）。")
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=3, lifespan="on")
    server = uvicorn.Server(config)
    if open_browser:
        target = f"{url}?token={token}" if token else url
        threading.Thread(target=_open_when_ready, args=(server, target), daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
