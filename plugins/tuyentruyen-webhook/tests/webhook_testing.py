"""A real HTTP receiver on 127.0.0.1 for the webhook tests, and a sample message.

Each test scripts the replies (status, body, headers, how long to hang) and reads back
every request received. Handler threads are daemons and a hanging handler waits on an
event that teardown sets, so a test never waits for a hang to run out.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tuyentruyen.notify import Message

SECRET = "khóa-bí-mật-thử-nghiệm-0123456789"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: Seconds to wait before answering (teardown cuts it short).
    hang: float = 0.0
    #: Close the connection after answering, without saying so (an idle close).
    drop: bool = False


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    client: tuple[str, int]
    at: float


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a production receiver would
    server: Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        receiver = self.server.receiver
        reply = receiver.record(
            Received(
                self.path,
                {k.lower(): v for k, v in self.headers.items()},
                body,
                self.client_address[:2],
                time.monotonic(),
            )
        )
        if reply.hang and receiver.stop.wait(reply.hang):
            self.close_connection = True
            return
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except OSError:  # the client gave up first
            self.close_connection = True
            return
        if reply.drop:
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: Receiver

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away mid-request is part of the tests


class Receiver:
    """The webhook endpoint: scripted replies, every request kept."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.script: list[Reply] = []
        self.default = Reply()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.receiver = self
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hooks/tuyentruyen"

    def reply(self, *replies: Reply, then: Reply | None = None) -> None:
        """Answer the next requests with ``replies``, the later ones with ``then``."""
        with self.lock:
            self.script.extend(replies)
            if then is not None:
                self.default = then

    def record(self, request: Received) -> Reply:
        with self.lock:
            self.requests.append(request)
            return self.script.pop(0) if self.script else self.default

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def message(n: int = 1, **changes: Any) -> Message:
    fields: dict[str, Any] = {
        "id": f"qn-60-nam/event/{n}",
        "kind": "event",
        "plan": "qn-60-nam",
        "units": ("tt-bc-xb", "so-tttt"),
        "subject": "[qn-60-nam] Nhiệm vụ 2.6: Ban hành kế hoạch",
        "body": "Nhiệm vụ 2.6 – Tuyên truyền kỷ niệm 60 năm thành lập tỉnh Quảng Ninh.",
        "task": "2.6",
        "data": {"seq": n, "event": "issue"},
        "lang": "vi",
    }
    fields.update(changes)
    return Message(**fields)
