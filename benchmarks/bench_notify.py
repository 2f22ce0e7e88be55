"""Notification benchmark: ``remind`` over a large plan, ``deliver`` to a local webhook.

Run from the repository root::

    .venv/bin/python benchmarks/bench_notify.py            # 100,000 tasks, 10,000 messages
    .venv/bin/python benchmarks/bench_notify.py --quick    # 10,000 tasks, 1,000 messages
    .venv/bin/python benchmarks/bench_notify.py --check    # exit 1 if a target is missed

1. *remind*: a 100,000-task SQLite database (tasks in every state, the plan of
   ``bench_lifecycle.py``); ``tuyentruyen remind``'s work at a moment when tens of
   thousands of deadlines have passed: open the tracker, compute what is due, read the
   keys already queued, queue the new ones (what ``tuyentruyen remind`` does: the keys
   come from the task rows, the plan is loaded only when some are new). Timed for the
   first run (every reminder new, all written out) and the next ones (the steady state
   of a daily or hourly timer: nothing new). Target: the steady-state run, opening the
   database included, in at most 1 s.
2. *deliver*: 10,000 queued event messages to a local HTTP server (``http.server`` on
   127.0.0.1) through the ``webhook`` plugin (tuyentruyen-webhook) with 8 threads; the
   server checks every signature. Target: at least 1,000 messages/s. Skipped with a
   note when the plugin is not installed.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import Target, print_targets
from bench_lifecycle import CLOCK_NOW, build_plan, make_specs

from tuyentruyen import FixedClock, Tracker
from tuyentruyen.delivery import Deliverer
from tuyentruyen.plugins import make_plugin_manager
from tuyentruyen.remind import due_keys, reminders
from tuyentruyen.store import SQLiteStore

AT = datetime(2025, 6, 1, 8)
SECRET = "bench-secret"


def remind_once(path: Path) -> tuple[float, int, int]:
    """What ``tuyentruyen remind`` does for one plan: the due keys from the task rows,
    the keys already queued, and only if some are new, the tracker to write them out.
    Returns seconds, reminders due, reminders newly queued."""
    t0 = time.perf_counter()
    with SQLiteStore(path) as store:
        (plan_id,) = store.plan_ids()
        due = due_keys(store, plan_id, AT)
        fresh = due - store.outbox_keys(plan_id)
        new = 0
        if fresh:
            tracker = Tracker(
                store.load_plan(plan_id), store=store, clock=FixedClock(CLOCK_NOW),
                plugins=make_plugin_manager(entry_points=False),
            )  # fmt: skip
            rows = [(r.key, r.kind, r.payload()) for r in reminders(tracker, AT) if r.key in fresh]
            new = store.queue(plan_id, rows)
    return time.perf_counter() - t0, len(due), new


class Receiver(BaseHTTPRequestHandler):
    """Counts requests whose signature verifies (HTTP/1.1: connections kept alive)."""

    protocol_version = "HTTP/1.1"
    ok = 0
    bad = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        stamp = self.headers.get("X-Tuyentruyen-Timestamp", "")
        mac = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256)
        good = self.headers.get("X-Tuyentruyen-Signature") == f"sha256={mac.hexdigest()}"
        with Receiver.lock:
            if good:
                Receiver.ok += 1
            else:
                Receiver.bad += 1
        self.send_response(200 if good else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def deliver_webhooks(folder: Path, n: int) -> tuple[float, int, int] | str:
    """Seconds to deliver ``n`` event messages; (seconds, verified, rejected)."""
    try:
        from tuyentruyen_webhook import WebhookNotifier  # type: ignore[import-not-found]
    except ImportError:
        return "the webhook plugin (plugins/tuyentruyen-webhook) is not installed"
    plan = build_plan(make_specs(n, seed=3))
    store = SQLiteStore(folder / "deliver.db")
    store.save_plan(plan)
    tracker = Tracker(
        plan, store=store, clock=FixedClock(CLOCK_NOW),
        plugins=make_plugin_manager(entry_points=False),
    )  # fmt: skip
    tracker.fire_many(
        {"task": t.id, "event": "issue", "actor": t.lead, "at": datetime(2025, 1, 2)}
        for t in plan.tasks
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ["TT_BENCH_WEBHOOK_SECRET"] = SECRET
    notifier = WebhookNotifier.from_config(
        {"url": f"http://127.0.0.1:{server.server_port}/hook",
         "secret_env": "TT_BENCH_WEBHOOK_SECRET", "timeout": 10}
    )  # fmt: skip
    deliverer = Deliverer(store, {"webhook": notifier}, now=time.time, concurrency=8)
    t0 = time.perf_counter()
    report = deliverer.run()
    elapsed = time.perf_counter() - t0
    server.shutdown()
    store.close()
    assert report.sent.get("webhook", 0) == n, report
    return elapsed, Receiver.ok, Receiver.bad


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10,000 tasks, 1,000 messages")
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = ap.parse_args(argv)
    tasks, messages = (10_000, 1_000) if args.quick else (100_000, 10_000)
    scale = tasks / 100_000
    targets: list[Target] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "remind.db"
        plan = build_plan(make_specs(tasks, seed=7))
        with SQLiteStore(path) as store:
            store.save_plan(plan)
        first, due, new = remind_once(path)
        steady, due2, new2 = min(remind_once(path) for _ in range(3))
        print(f"1. remind over {tasks:,} tasks at {AT:%Y-%m-%d %H:%M}")
        print(f"  first run   {first:6.2f} s  {due:,} due, {new:,} queued (every one new)")
        print(f"  next runs   {steady:6.2f} s  {due2:,} due, {new2:,} queued"
              " (steady state, best of 3)")  # fmt: skip
        targets.append(Target(f"remind over {tasks:,} tasks, steady state", steady, scale, "s"))
        result = deliver_webhooks(folder, messages)
        print(f"2. deliver {messages:,} event messages to a local webhook, 8 threads")
        if isinstance(result, str):
            print(f"  SKIPPED: {result}")
            targets.append(Target("deliver webhooks", float("nan"), 1000, "msg/s", True))
        else:
            seconds, verified, rejected = result
            rate = messages / seconds
            print(f"  {seconds:6.2f} s  {rate:,.0f} messages/s; signatures: {verified:,} ok,"
                  f" {rejected:,} rejected")  # fmt: skip
            targets.append(Target("deliver webhooks", rate, 1000, "msg/s", True))
    print("Targets" + (f" (time limit scaled x{scale:g})" if scale != 1 else ""))
    missed = print_targets(targets)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
