"""tuyentruyen finds the webhook backend through the plugin's real entry point."""

from __future__ import annotations

from typing import Any

from tuyentruyen_webhook import WebhookNotifier, verify_signature
from webhook_testing import SECRET, Receiver, message

from tuyentruyen.plugins import collect, make_plugin_manager, plugin_info


def test_found_through_its_entry_point() -> None:
    pm = make_plugin_manager(env={"TUYENTRUYEN_PLUGINS": "webhook"})
    factories = collect(pm, "register_notifiers")
    assert sorted(factories) == ["webhook"]
    assert factories["webhook"] == WebhookNotifier.from_config
    (info,) = [p for p in plugin_info(pm) if p.status == "loaded"]
    assert (info.name, info.distribution, info.hooks) == (
        "webhook",
        "tuyentruyen-webhook",
        ("register_notifiers",),
    )


def test_blocked_like_any_plugin() -> None:
    pm = make_plugin_manager(env={"TUYENTRUYEN_PLUGINS_BLOCK": "webhook"})
    assert "webhook" not in collect(pm, "register_notifiers")


def test_the_registered_factory_builds_a_working_notifier(receiver: Receiver) -> None:
    pm = make_plugin_manager(env={"TUYENTRUYEN_PLUGINS": "webhook"})
    factory: Any = collect(pm, "register_notifiers")["webhook"]
    table = {"url": receiver.url, "secret_env": "TT_WEBHOOK_SECRET"}
    with factory(table, environ={"TT_WEBHOOK_SECRET": SECRET}) as notifier:
        notifier.send(message())
    (request,) = receiver.requests
    assert verify_signature(
        SECRET,
        request.headers["x-tuyentruyen-timestamp"],
        request.body,
        request.headers["x-tuyentruyen-signature"],
    )
