"""tuyentruyen finds the backend through the plugin's entry point."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import tuyentruyen_email
from email_samples import SENDER, make_message

from tuyentruyen.plugins import collect, make_plugin_manager, plugin_info


def test_entry_point_offers_the_email_backend(contacts: Path) -> None:
    pm = make_plugin_manager(env={"TUYENTRUYEN_PLUGINS": "email"})
    factory = collect(pm, "register_notifiers")["email"]
    assert factory == tuyentruyen_email.EmailNotifier.from_config
    notifier = factory({"host": "smtp.example.vn", "sender": SENDER, "contacts": str(contacts)})
    assert isinstance(notifier, tuyentruyen_email.EmailNotifier)
    assert notifier.render(make_message(), "tt-th")["To"] == "ttth@example.vn"


def test_listed_with_its_distribution() -> None:
    pm = make_plugin_manager(env={"TUYENTRUYEN_PLUGINS": "email"})
    (info,) = [i for i in plugin_info(pm) if i.name == "email"]
    assert info.status == "loaded"
    assert info.distribution == "tuyentruyen-email"
    assert info.version == tuyentruyen_email.__version__
    assert info.hooks == ("register_notifiers",)


def test_the_entry_point_is_declared() -> None:
    (ep,) = [
        ep for ep in importlib.metadata.entry_points(group="tuyentruyen") if ep.name == "email"
    ]
    assert ep.value == "tuyentruyen_email"


def test_blocked_when_asked() -> None:
    pm = make_plugin_manager(env={"TUYENTRUYEN_PLUGINS_BLOCK": "email"})
    assert "email" not in collect(pm, "register_notifiers")
