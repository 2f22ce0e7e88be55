"""Event records: the facts the tracker produces, and what a report carries.

An :class:`Event` is immutable. Its ``data`` is a JSON-serialisable mapping (what a
report says: counts, links, attachments by reference); it is checked and deep-frozen
when the event is fired, so nothing is silently dropped or changed afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, NamedTuple, TypeAlias

from tuyentruyen.errors import EventError

__all__ = ["Event", "EventRow", "JSONValue", "freeze_data", "from_row", "thaw_data", "to_row"]

#: A JSON value as stored in ``Event.data`` (lists are frozen to tuples, objects to
#: read-only mappings).
JSONValue: TypeAlias = (
    bool | int | float | str | tuple["JSONValue", ...] | Mapping[str, "JSONValue"] | None
)

_EMPTY: Mapping[str, JSONValue] = MappingProxyType({})


def freeze_data(
    data: Mapping[str, Any] | None, *, task: str | None = None
) -> Mapping[str, JSONValue]:
    """Check that ``data`` is a JSON object and return a deep, read-only copy.

    Raises :class:`~tuyentruyen.errors.EventError` naming the path of the first value
    that is not JSON (``data.links[2]``), so a caller never loses part of a report
    silently.
    """
    if data is None:
        return _EMPTY
    if not isinstance(data, Mapping):
        raise _bad("data", "must be a mapping (JSON object)", "phải là một đối tượng JSON", task)
    frozen = _freeze(data, "data", task)
    assert isinstance(frozen, Mapping)
    return frozen


def _bad(path: str, en: str, vi: str, task: str | None) -> EventError:
    prefix_en = f"task {task}: " if task else ""
    prefix_vi = f"nhiệm vụ {task}: " if task else ""
    return EventError(f"{prefix_en}{path}: {en}", f"{prefix_vi}{path}: {vi}", task=task)


def _freeze(value: Any, path: str, task: str | None) -> JSONValue:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _bad(path, f"{value} is not a JSON number", f"{value} không phải số JSON", task)
        return value
    if isinstance(value, Mapping):
        out: dict[str, JSONValue] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise _bad(
                    f"{path}",
                    f"key {key!r} is not a string",
                    f"khóa {key!r} không phải chuỗi",
                    task,
                )
            out[key] = _freeze(item, f"{path}.{key}", task)
        return MappingProxyType(out)
    if isinstance(value, list | tuple):
        return tuple(_freeze(item, f"{path}[{i}]", task) for i, item in enumerate(value))
    raise _bad(
        path,
        f"{type(value).__name__} is not JSON-serialisable",
        f"kiểu {type(value).__name__} không chuyển được sang JSON",
        task,
    )


def thaw_data(value: JSONValue, *, sort_keys: bool = False) -> Any:
    """A plain (mutable, ``json``-dumpable) copy of frozen event data; with
    ``sort_keys``, every object's keys in sorted order (stores may give them in any)."""
    if isinstance(value, Mapping):
        keys = sorted(value) if sort_keys else value
        return {k: thaw_data(value[k], sort_keys=sort_keys) for k in keys}
    if isinstance(value, tuple | list):
        return [thaw_data(v, sort_keys=sort_keys) for v in value]
    return value


class Event(NamedTuple):
    """One fact of a task's life: ``event`` moved ``task`` from ``source`` to ``dest``.

    Immutable. A named tuple rather than an attrs class: events are the one record made
    per fire, and a tuple is built in a third of the time of a frozen attrs instance
    (measured by ``benchmarks/bench_lifecycle.py``; see docs/design.md).
    """

    #: Position in the plan's event log, from 1.
    seq: int
    #: Task id.
    task: str
    #: Event name (``issue``, ``start``, ``report``, ``accept``, ``rework``, ``cancel``).
    event: str
    #: State before.
    source: str
    #: State after.
    dest: str
    #: Unit id (or, with a custom policy, person id) who fired it.
    actor: str
    #: When it happened (aware, ``Asia/Ho_Chi_Minh``).
    at: datetime
    #: Free text: what was done, or the reason for a cancel or a rework.
    note: str | None = None
    #: What a report says: a JSON object (counts, links, attachments by reference).
    data: Mapping[str, JSONValue] = _EMPTY
    #: For ``report``: whether this is the final report (closes the task when accepted).
    final: bool | None = None

    @property
    def plain_data(self) -> dict[str, Any]:
        """``data`` as plain dicts and lists."""
        result = thaw_data(self.data)
        assert isinstance(result, dict)
        return result


#: An event as kept in long logs: a plain tuple with ``None`` for empty data. A tuple
#: whose items are all atoms (str, int, datetime, None, bool) is untracked by Python's
#: cyclic garbage collector, so a log of a million events costs the collector nothing.
EventRow: TypeAlias = tuple[
    int, str, str, str, str, str, datetime, str | None, Mapping[str, JSONValue] | None, bool | None
]
_make = tuple.__new__


def to_row(ev: Event) -> EventRow:
    """The compact row of ``ev``."""
    return (ev[0], ev[1], ev[2], ev[3], ev[4], ev[5], ev[6], ev[7], ev[8] or None, ev[9])


def from_row(row: EventRow) -> Event:
    """The :class:`Event` of a row made by :func:`to_row`."""
    if row[8] is None:
        return _make(Event, (*row[:8], _EMPTY, row[9]))
    return _make(Event, row)
