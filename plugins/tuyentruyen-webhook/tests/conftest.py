"""Fixtures: a live receiver (webhook_testing.Receiver) and notifiers pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tuyentruyen_webhook import WebhookNotifier
from webhook_testing import SECRET, Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def notifiers() -> Iterator[list[WebhookNotifier]]:
    """Notifiers to close at teardown (before the receiver stops)."""
    made: list[WebhookNotifier] = []
    yield made
    for n in made:
        n.close()


@pytest.fixture
def make(receiver: Receiver, notifiers: list[WebhookNotifier]) -> Any:
    """``make(**config)``: a notifier for the receiver, built from a config table."""

    def build(**config: Any) -> WebhookNotifier:
        table = {"url": receiver.url, "secret_env": "TT_WEBHOOK_SECRET", "backoff": 0.01}
        table.update(config)
        n = WebhookNotifier.from_config(table, environ={"TT_WEBHOOK_SECRET": SECRET})
        notifiers.append(n)
        return n

    return build
