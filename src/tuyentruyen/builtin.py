"""The plugin shipped inside tuyentruyen: the console notifier.

It is registered through the same path as third-party plugins
(:data:`tuyentruyen.plugins.DEFAULT_PLUGINS`), so it is listed, allowed and blocked
like them.
"""

from __future__ import annotations

from collections.abc import Callable

from tuyentruyen.hookspecs import NotifierFactory, hookimpl
from tuyentruyen.notify import ConsoleNotifier

__all__ = ["register_notifiers"]


@hookimpl
def register_notifiers(register: Callable[[str, NotifierFactory], None]) -> None:
    """Offer the ``console`` backend."""
    register("console", ConsoleNotifier)
