"""Serializing the components of an export with icalendar, fast.

A component here is first an :data:`Item`: its icalendar class, its properties (name ->
icalendar property value, e.g. ``vText``, ``vDDDTypes``) and its subcomponents. From
items, :func:`to_component` builds real icalendar components (what
:func:`tuyentruyen_ics.build_calendar` returns), and :class:`Writer` writes the bytes
that ``Calendar.to_ical()`` would write for those components, line for line:

* every content line is made by icalendar itself (``Component.content_line(name,
  value)``: escaping, parameters; ``.to_ical()``: UTF-8, folding at 75 octets, which
  is skipped for the lines too short to fold);
* properties come in icalendar's order (``canonsort_keys`` with the class's
  ``canonical_order``), subcomponents after them, lines joined by CRLF.

What it saves is repetition: a line whose value object is shared (the DTSTAMP, a date,
a status, a category, an alarm trigger) is made once per export, and a value used by
several components of one task (its description) once per task. The test suite checks
that the bytes equal ``build_calendar(...).to_ical()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, cast

from icalendar import Component, vText
from icalendar.caselessdict import canonsort_keys
from icalendar.parser import Contentline

__all__ = ["FOLD_AT", "Item", "Writer", "property_order", "to_component"]

#: icalendar folds content lines of this many octets or more.
FOLD_AT = 75


class Item(NamedTuple):
    """A component to write: icalendar class, properties, subcomponents."""

    kind: type[Component]
    props: dict[str, Any]
    subs: tuple[Item, ...] = ()


_ORDER: dict[tuple[type[Component], frozenset[str]], tuple[str, ...]] = {}


def property_order(kind: type[Component], names: Iterable[str]) -> tuple[str, ...]:
    """``names`` in the order icalendar writes them for ``kind`` (cached per set)."""
    key = (kind, frozenset(names))
    found = _ORDER.get(key)
    if found is None:
        found = _ORDER[key] = tuple(canonsort_keys(list(key[1]), kind.canonical_order))
    return found


def to_component(item: Item) -> Component:
    """The icalendar component of ``item`` (its property values are shared, not copied)."""
    component = item.kind()
    for name in property_order(item.kind, item.props):
        component[name] = item.props[name]
    component.subcomponents.extend(to_component(sub) for sub in item.subs)
    return component


class Writer:
    """Writes items as icalendar would; ``shared`` holds the ids of property values that
    stay alive for the whole export (their lines are made once)."""

    def __init__(self, shared: set[int]) -> None:
        self.shared = shared
        self._scratch = Component()
        self._parts = cast(Callable[..., Contentline], Contentline.from_parts)
        self._cache: dict[tuple[str, int], bytes] = {}
        self._frame: dict[str, tuple[bytes, bytes]] = {}
        #: Lines of values used more than once within the current group (a task).
        self._local: dict[tuple[str, int], bytes] = {}

    def line(self, name: str, value: Any) -> bytes:
        """One content line, folded, without its CRLF.

        icalendar folds a line once it reaches 75 octets; a shorter one comes out as it
        is, so its folding (a loop over its characters) is skipped.
        """
        params = getattr(value, "params", None)
        if params is None:  # what Component.content_line does, without its spare copy
            content = cast(Callable[[str, Any], Any], self._scratch.content_line)(name, value)
        else:
            content = self._parts(name, params, value, sorted=True)
        short = str(content).encode()
        if len(short) < FOLD_AT:
            return short
        return cast(bytes, content.to_ical())

    def _frame_of(self, kind: type[Component]) -> tuple[bytes, bytes]:
        key = str(kind.name)
        found = self._frame.get(key)
        if found is None:
            name = vText(key).to_ical()
            found = self._frame[key] = (self.line("BEGIN", name), self.line("END", name))
        return found

    def new_group(self) -> None:
        """Forget the lines of the previous group's unshared values."""
        self._local.clear()

    def write(self, item: Item, out: list[bytes]) -> None:
        """Append ``item``'s lines (each without CRLF) to ``out``."""
        begin, end = self._frame_of(item.kind)
        out.append(begin)
        props, shared, cache, local = item.props, self.shared, self._cache, self._local
        for name in property_order(item.kind, props):
            value = props[name]
            key = (name, id(value))
            table = cache if key[1] in shared else local
            found = table.get(key)
            if found is None:
                found = table[key] = self.line(name, value)
            out.append(found)
        for sub in item.subs:
            self.write(sub, out)
        out.append(end)
