"""How many webhook messages per second one WebhookNotifier delivers with N threads.

    python plugins/tuyentruyen-webhook/benchmarks/throughput.py            # 2,000 x 8 threads
    python plugins/tuyentruyen-webhook/benchmarks/throughput.py -n 10000 --process

The receiver is a ThreadingHTTPServer on 127.0.0.1 (keep-alive, answers 204) that
checks every signature; ``--process`` runs it in a process of its own, so that it does
not share the sender's interpreter lock (closer to a real receiver on another machine).
"""

from __future__ import annotations

import argparse
import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tuyentruyen_webhook import WebhookNotifier, verify_signature

from tuyentruyen.notify import Message

SECRET = "benchmark-secret"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ok = verify_signature(
            SECRET,
            self.headers["X-Tuyentruyen-Timestamp"],
            body,
            self.headers["X-Tuyentruyen-Signature"],
        )
        self.send_response(204 if ok else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _server() -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    return server


def _serve_in_process(ports: Any, stop: Any) -> None:
    server = _server()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ports.put(server.server_address[1])
    stop.wait()
    server.shutdown()
    server.server_close()


def start(in_process: bool) -> tuple[int, Callable[[], None]]:
    """The receiver's port and how to stop it."""
    if in_process:
        ctx = multiprocessing.get_context("spawn")
        ports, stop = ctx.Queue(), ctx.Event()
        proc = ctx.Process(target=_serve_in_process, args=(ports, stop), daemon=True)
        proc.start()
        port = int(ports.get(timeout=30))

        def halt() -> None:
            stop.set()
            proc.join(10)

        return port, halt
    server = _server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def close() -> None:
        server.shutdown()
        server.server_close()

    return int(server.server_address[1]), close


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--messages", type=int, default=2000)
    parser.add_argument("-t", "--threads", type=int, default=8)
    parser.add_argument("--process", action="store_true", help="receiver in its own process")
    args = parser.parse_args()
    port, stop = start(args.process)
    notifier = WebhookNotifier(f"http://127.0.0.1:{port}/hook", SECRET, max_attempts=1)
    messages = [
        Message(
            id=f"qn-60-nam/event/{n}",
            kind="event",
            plan="qn-60-nam",
            units=("tt-bc-xb", "so-tttt"),
            subject="[qn-60-nam] Nhiệm vụ 2.6: Ban hành kế hoạch",
            body="Nhiệm vụ 2.6 – Tuyên truyền kỷ niệm 60 năm thành lập tỉnh Quảng Ninh.",
            task="2.6",
            data={"seq": n, "event": "issue"},
        )
        for n in range(args.messages)
    ]
    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            list(pool.map(notifier.send, messages))
        elapsed = time.perf_counter() - started
    finally:
        notifier.close()
        stop()
    where = "its own process" if args.process else "the same process"
    print(
        f"{args.messages} messages, {args.threads} threads, receiver in {where}: "
        f"{elapsed:.2f} s, {args.messages / elapsed:,.0f} messages/s"
    )


if __name__ == "__main__":
    main()
