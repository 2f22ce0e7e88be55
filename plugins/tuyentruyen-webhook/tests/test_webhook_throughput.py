"""2,000 sends from 8 threads to the local receiver: every one arrives, signed, once.

The rate is printed (``pytest -s``); the bound asserted is far below what a laptop does
so that a loaded CI machine does not fail it. benchmarks/throughput.py measures it.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tuyentruyen_webhook import HEADER_ID
from webhook_testing import Receiver, message

MESSAGES = 2000
THREADS = 8


def test_2000_sends_from_8_threads(receiver: Receiver, make: Any) -> None:
    notifier = make()
    messages = [message(n) for n in range(MESSAGES)]
    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(notifier.send, messages))
    elapsed = time.perf_counter() - started
    rate = MESSAGES / elapsed
    print(f"\nwebhook: {MESSAGES} messages from {THREADS} threads in {elapsed:.2f} s: {rate:.0f}/s")
    ids = [r.headers[HEADER_ID.lower()] for r in receiver.requests]
    assert sorted(ids) == sorted(m.id for m in messages)
    assert len({r.client for r in receiver.requests}) <= THREADS  # keep-alive, per thread
    assert rate > 200
