"""Finding and loading plugins.

Plugins are published under the entry-point group ``tuyentruyen`` (in a plugin's
``pyproject.toml``: ``[project.entry-points.tuyentruyen] email = "tuyentruyen_email"``).
The plugins shipped inside tuyentruyen (:data:`DEFAULT_PLUGINS`) are registered through
the same path, so they are listed, allowed and blocked like any other.

Environment:

- ``TUYENTRUYEN_PLUGINS=name,name``: load only these plugins (an allow-list);
- ``TUYENTRUYEN_PLUGINS_BLOCK=name,name``: never load these.

A plugin that fails to import is logged with its name and version and left out: never
fatal for the host. A plugin that implements a hook which does not exist (a misspelled
name) or with arguments the hook does not offer is refused loudly with
:class:`PluginError`: silently ignoring it would hide a plugin that never runs.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import os
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import pluggy

from tuyentruyen import hookspecs
from tuyentruyen.errors import TuyenTruyenError

__all__ = [
    "DEFAULT_PLUGINS",
    "PluginError",
    "PluginInfo",
    "PluginManager",
    "collect",
    "get_plugin_manager",
    "make_plugin_manager",
    "plugin_info",
    "reset_plugin_manager",
]

log = logging.getLogger("tuyentruyen.plugins")

#: Plugins shipped inside tuyentruyen: ``(name, module)``.
DEFAULT_PLUGINS: tuple[tuple[str, str], ...] = (("console", "tuyentruyen.builtin"),)


class PluginError(TuyenTruyenError):
    """A plugin implements a hook that does not exist, or with the wrong arguments."""


@attrs.frozen
class PluginInfo:
    """One plugin as ``tuyentruyen plugins`` lists it."""

    name: str
    #: The distribution that provides it (``tuyentruyen`` for the built-in ones).
    distribution: str
    version: str
    #: Hooks it implements.
    hooks: tuple[str, ...]
    #: ``loaded``, ``blocked`` (by the environment) or ``failed``.
    status: str = "loaded"
    #: Why it failed to load.
    error: str | None = None


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, remembering what it found (:func:`plugin_info`)."""

    def __init__(self, project_name: str) -> None:
        super().__init__(project_name)
        self.info: list[PluginInfo] = []


def _names(value: str | None) -> set[str] | None:
    if value is None or not value.strip():
        return None
    return {v.strip() for v in value.split(",") if v.strip()}


def make_plugin_manager(
    plugins: Iterable[object] = (),
    *,
    entry_points: bool = True,
    env: Mapping[str, str] | None = None,
) -> PluginManager:
    """A plugin manager with the hook specs, the built-in plugins, the installed ones
    (``entry_points``) and ``plugins`` (modules or objects) registered.

    Raises :class:`PluginError` if a plugin implements an unknown hook.
    """
    env = os.environ if env is None else env
    allow = _names(env.get("TUYENTRUYEN_PLUGINS"))
    block = _names(env.get("TUYENTRUYEN_PLUGINS_BLOCK")) or set()
    pm = PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    infos = pm.info

    def wanted(name: str) -> bool:
        return name not in block and (allow is None or name in allow)

    def register(name: str, plugin: object, dist: str, version: str) -> None:
        try:
            pm.register(plugin, name=name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(
                f"plugin {name!r} ({dist} {version}) is invalid: {exc}",
                f"plugin {name!r} ({dist} {version}) không hợp lệ: {exc}",
            ) from None
        hooks = tuple(sorted(h.name for h in pm.get_hookcallers(plugin) or ()))
        infos.append(PluginInfo(name, dist, version, hooks))

    own = importlib.metadata.version("tuyentruyen")
    for name, module in DEFAULT_PLUGINS:
        if wanted(name):
            register(name, importlib.import_module(module), "tuyentruyen", own)
        else:
            infos.append(PluginInfo(name, "tuyentruyen", own, (), "blocked"))
    if entry_points:
        for ep in sorted(importlib.metadata.entry_points(group=hookspecs.PROJECT), key=_ep_key):
            dist = ep.dist.name if ep.dist is not None else "?"
            version = ep.dist.version if ep.dist is not None else "?"
            if not wanted(ep.name) or pm.has_plugin(ep.name):
                status = "blocked" if not wanted(ep.name) else "duplicate"
                infos.append(PluginInfo(ep.name, dist, version, (), status))
                continue
            try:
                plugin = ep.load()
            except Exception as exc:  # a broken plugin never takes the host down
                log.warning("plugin %s (%s %s) failed to load: %r", ep.name, dist, version, exc)
                infos.append(PluginInfo(ep.name, dist, version, (), "failed", repr(exc)))
                continue
            register(ep.name, plugin, dist, version)
    for k, plugin in enumerate(plugins):
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        register(f"{name}#{k}" if pm.has_plugin(name) else name, plugin, "-", "-")
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or "?"
        raise PluginError(
            f"plugin {name!r} implements a hook that does not exist: {exc}",
            f"plugin {name!r} cài đặt một hook không tồn tại: {exc}",
        ) from None
    return pm


def _ep_key(ep: importlib.metadata.EntryPoint) -> str:
    return ep.name


_manager: pluggy.PluginManager | None = None


def get_plugin_manager() -> pluggy.PluginManager:
    """The process's plugin manager (built on first use from the environment)."""
    global _manager
    if _manager is None:
        _manager = make_plugin_manager()
    return _manager


def reset_plugin_manager(pm: pluggy.PluginManager | None = None) -> None:
    """Replace the process's plugin manager (``None``: rebuild it on next use)."""
    global _manager
    _manager = pm


def plugin_info(pm: pluggy.PluginManager) -> list[PluginInfo]:
    """Every plugin the manager knows of, loaded or not, in load order."""
    return list(pm.info) if isinstance(pm, PluginManager) else []


def collect(pm: pluggy.PluginManager, hook: str) -> dict[str, Any]:
    """What ``register_notifiers`` or ``register_exporters`` plugins register, by name.
    When two offer one name, the plugin registered last wins (pluggy calls it first): an
    installed plugin can replace a built-in backend or format."""
    found: dict[str, Any] = {}

    def register(name: str, thing: Any) -> None:
        found.setdefault(name, thing)

    getattr(pm.hook, hook)(register=register)
    return found
