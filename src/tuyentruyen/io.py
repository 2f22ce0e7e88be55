"""Plan files (YAML and JSON) and event records, through a private cattrs converter.

A plan file is a mapping with ``schema: 1``. Every error names where it is: the JSON
path (``$.tasks[3].window``) and, for YAML, the line; each is explained in English and
in Vietnamese. Unknown keys are errors, and so are keys given twice (in YAML and in
JSON) and keys that are not text (``1: x``; write ``"1": x``).

YAML is parsed once, with the safe loader only (libyaml's when PyYAML has it):
``!!python/object`` and friends are refused. Anchors and aliases (``&name`` and
``*name``) may share a value between tasks, as the example plan does, within bounds
checked on the parsed node graph before any value is built: an alias may not sit inside
the value it names (it would never end), and aliases may repeat at most 10 000 values in
all (a few lines of aliases of aliases can otherwise stand for billions: an "alias
bomb"). Values nest at most 50 levels deep (a plan needs six).

Dates are ISO dates (``2023-09-15``, quoted or not) or, where the format allows it,
Vietnamese phrases. A date and time (``2023-09-15 10:00``) is refused where a date is
expected, and every date must fall in the years 1900-2200.

In a plan file ``window`` is a phrase ("Từ tháng 9 đến tháng 10/2023") or a mapping
``{start: 2023-09-01, end: 2023-10-31}`` (either end may be null), ``plan_due`` a
phrase or an ISO date, and unit references (``issuer``, ``lead``, ``support``,
``reporting[].to/from``) unit ids or names, matched after NFC normalisation against
names and aliases. :func:`plan_to_dict` gives the normalized form, itself a valid plan
file: load -> dump -> load gives an equal :class:`~tuyentruyen.model.Plan`.
"""

from __future__ import annotations

import errno
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs
import cattrs
import yaml
from cattrs.errors import (
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from tuyentruyen.errors import PlanError, Problem, TimePhraseError
from tuyentruyen.events import Event, freeze_data, thaw_data
from tuyentruyen.model import (
    Dependency,
    LegalBasis,
    Plan,
    ReportingRule,
    Task,
    Unit,
)
from tuyentruyen.names import NameIndex
from tuyentruyen.reading import read_json, read_yaml, shown, too_deep
from tuyentruyen.timeexpr import as_local, parse_date, parse_deadline, parse_window

__all__ = [
    "SCHEMA_VERSION",
    "dump_plan",
    "event_from_dict",
    "event_to_dict",
    "load_plan",
    "loads_plan",
    "plan_from_dict",
    "plan_to_dict",
]

#: Version of the plan-file format written by this library.
SCHEMA_VERSION = 1


#: The years a plan date may fall in, as for time phrases and the tracker's clock.
_FIRST_YEAR, _LAST_YEAR = 1900, 2200

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# --- messages -------------------------------------------------------------------------


class _Invalid(ValueError):
    """A value of the wrong shape, explained in English and in Vietnamese.

    The structure hooks raise it; :func:`_format_exception` turns it into a problem.
    """

    def __init__(self, en: str, vi: str) -> None:
        super().__init__(en)
        self.en = en
        self.vi = vi


def _expected(what_en: str, what_vi: str, value: Any) -> _Invalid:
    """``expected <what>, got <value>`` in both languages."""
    en, vi = shown(value)
    return _Invalid(f"expected {what_en}, got {en}", f"cần {what_vi}, nhận được {vi}")


# --- the converter -------------------------------------------------------------------

_conv = cattrs.Converter(forbid_extra_keys=True)


def _structure_date(value: Any, _: type) -> date:
    """A plan date: a ``date`` (YAML gives those) or an ISO ``YYYY-MM-DD`` string."""
    if isinstance(value, datetime):  # a YAML date and time, e.g. 2023-02-01 10:00:00
        shown = value.isoformat(sep=" ")
        raise _Invalid(
            f"expected a date, not a date and time ({shown})",
            f"cần ngày, không phải ngày giờ ({shown})",
        )
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise _Invalid(
                f"{value.strip()} is not a valid date", f"ngày {value.strip()} không tồn tại"
            ) from None
    if not isinstance(value, date):
        raise _expected("an ISO date YYYY-MM-DD", "ngày dạng YYYY-MM-DD", value)
    if not _FIRST_YEAR <= value.year <= _LAST_YEAR:
        raise _Invalid(
            f"{value.isoformat()} is outside the years {_FIRST_YEAR}-{_LAST_YEAR}",
            f"ngày {value.isoformat()} nằm ngoài khoảng năm {_FIRST_YEAR}-{_LAST_YEAR}",
        )
    return value


def _structure_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise _expected("text", "văn bản", value)
    return unicodedata.normalize("NFC", value)


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _expected("an integer", "số nguyên", value)
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise _expected("true or false", "true hoặc false", value)
    return value


def _strict_tuple(value: Any, typ: Any) -> tuple[Any, ...]:
    """A homogeneous tuple from a list, never from a string; errors keep the index."""
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise _expected("a list", "một danh sách", value)
    item = typ.__args__[0]
    out = []
    errors: list[Exception] = []
    for i, v in enumerate(value):
        try:
            out.append(_conv.structure(v, item))
        except Exception as exc:
            exc.__notes__ = [
                *getattr(exc, "__notes__", []),
                IterableValidationNote(f"Structuring {typ} @ index {i}", i, item),
            ]
            errors.append(exc)
    if errors:
        raise IterableValidationError(f"While structuring {typ!r}", errors, typ)
    return tuple(out)


_conv.register_structure_hook(date, _structure_date)
_conv.register_structure_hook(str, _structure_str)
_conv.register_structure_hook(int, _structure_int)
_conv.register_structure_hook(bool, _structure_bool)
_conv.register_unstructure_hook(date, lambda d: d.isoformat())


def _is_homogeneous_tuple(t: Any) -> bool:
    return (
        getattr(t, "__origin__", None) is tuple
        and len(getattr(t, "__args__", ())) == 2
        and t.__args__[1] is Ellipsis
    )


_conv.register_structure_hook_func(_is_homogeneous_tuple, _strict_tuple)


def _from_mapping(cls: type, **overrides: Any) -> Callable[[Any, Any], Any]:
    """Structure the attrs class ``cls`` from a mapping, and say so when given anything
    else (cattrs alone would fail with "'str' object has no attribute 'keys'")."""
    base: Callable[[Any, Any], Any] = make_dict_structure_fn(cls, _conv, **overrides)

    def hook(value: Any, _: Any) -> Any:
        if not isinstance(value, Mapping):
            raise _expected("a mapping", "một ánh xạ (mapping)", value)
        return base(value, cls)

    return hook


# Every attrs class, unless it has a hook of its own below.
_conv.register_structure_hook_factory(attrs.has, lambda cls: _from_mapping(cls))


def _or_text(cls: type, field: str) -> Callable[[Any, type], Any]:
    """Structure ``cls`` from a mapping, or from a bare string meaning its ``field``."""
    base = _from_mapping(cls)

    def hook(value: Any, _: type) -> Any:
        if isinstance(value, str):
            return cls(**{field: unicodedata.normalize("NFC", value)})
        return base(value, cls)

    return hook


_conv.register_structure_hook(LegalBasis, _or_text(LegalBasis, "text"))
_conv.register_structure_hook(Dependency, _or_text(Dependency, "task"))
_conv.register_structure_hook(
    ReportingRule, _from_mapping(ReportingRule, from_=override(rename="from"))
)
_conv.register_unstructure_hook(
    ReportingRule,
    make_dict_unstructure_fn(ReportingRule, _conv, from_=override(rename="from")),
)


def _unstructure_basis(basis: LegalBasis) -> Any:
    if basis.reference is None and basis.issued_on is None:
        return basis.text
    return {
        "text": basis.text,
        "reference": basis.reference,
        "issued_on": basis.issued_on.isoformat() if basis.issued_on else None,
    }


_conv.register_unstructure_hook(LegalBasis, _unstructure_basis)


def task_to_dict(task: Task) -> dict[str, Any]:
    """The plan-file mapping of ``task``: what cattrs' generated function for
    :class:`Task` gives (a property test holds them equal), written out by hand because
    plans of 100,000 tasks are unstructured on every JSON export (about 4x faster)."""
    window = task.window
    start, end, due = window.start, window.end, task.plan_due
    return {
        "id": task.id,
        "title": task.title,
        "lead": task.lead,
        "section": task.section,
        "content": list(task.content),
        "support": list(task.support),
        "support_other": list(task.support_other),
        "plan_due": None if due is None else due.isoformat(),
        "plan_due_text": task.plan_due_text,
        "window": {
            "start": None if start is None else start.isoformat(),
            "end": None if end is None else end.isoformat(),
        },
        "window_text": task.window_text,
        "ongoing": task.ongoing,
        "depends_on": [
            {"task": d.task, "state": d.state, "events": list(d.events)} for d in task.depends_on
        ],
    }


_conv.register_unstructure_hook(Task, task_to_dict)


# --- problems from cattrs ------------------------------------------------------------


def _format_exception(exc: BaseException, _: Any) -> str:
    """Describe one structuring error for :func:`cattrs.transform_error`.

    ``transform_error`` returns strings ``"<description> @ <path>"``, so the description
    is a small JSON object carrying both languages and the unknown keys (whose lines are
    looked up); :func:`_cattrs_problems` reads it back.
    """
    keys: list[str] = []
    if isinstance(exc, _Invalid):
        en, vi = exc.en, exc.vi
    elif isinstance(exc, KeyError):
        en, vi = "required field missing", "thiếu trường bắt buộc"
    elif isinstance(exc, ForbiddenExtraKeysError):
        odd = [key for key in exc.extra_fields if not isinstance(key, str)]
        if odd:  # only from Python callers: YAML and JSON keys are checked when read
            shown = ", ".join(sorted(repr(key) for key in odd))
            en, vi = f"keys must be text, found {shown}", f"khóa phải là văn bản, gặp {shown}"
        else:
            keys = sorted(exc.extra_fields)
            en = f"unknown keys ({', '.join(keys)})"
            vi = f"có trường không được phép ({', '.join(keys)})"
    elif isinstance(exc, RecursionError):
        problem = too_deep("$", None)
        en, vi = problem.en, problem.vi
    else:  # not expected: the hooks above explain what they refuse
        en = f"invalid value ({type(exc).__name__}: {exc})"
        vi = f"giá trị không hợp lệ ({type(exc).__name__}: {exc})"
    return json.dumps({"en": en, "vi": vi, "keys": keys}, ensure_ascii=False)


def _cattrs_problems(exc: Exception, lines: Mapping[str, int]) -> list[Problem]:
    problems = []
    for message in cattrs.transform_error(exc, path="$", format_exception=_format_exception):
        described, _, path = message.rpartition(" @ ")  # paths never hold " @ "
        what = json.loads(described)
        line = _line_of(path, lines)
        if what["keys"]:  # the line of the first unknown key, not of the mapping
            found = [lines[f"{path}.{k}"] for k in what["keys"] if f"{path}.{k}" in lines]
            line = min(found, default=line)
        problems.append(Problem(path, what["en"], what["vi"], line=line))
    return problems


def _line_of(path: str, lines: Mapping[str, int]) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        if cut <= 0:
            break
        path = path[:cut]
    return lines.get("$")


# --- loading -------------------------------------------------------------------------

#: Vietnamese for the usual reasons a file cannot be read (``strerror`` is English).
_OS_ERRORS_VI = {
    errno.ENOENT: "không tìm thấy tệp",
    errno.EACCES: "không có quyền đọc tệp",
    errno.EPERM: "không có quyền đọc tệp",
    errno.EISDIR: "đây là thư mục, không phải tệp",
    errno.ENOTDIR: "một phần của đường dẫn không phải là thư mục",
}


def read_text_file(path: Path) -> str:
    """The UTF-8 text of a file (a byte-order mark dropped); a file that cannot be read
    or is not UTF-8 raises :class:`~tuyentruyen.errors.PlanError` naming it and why."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        vi = _OS_ERRORS_VI.get(exc.errno or 0, reason)
        raise PlanError(
            [Problem("$", f"cannot read the file: {reason}", f"không đọc được tệp: {vi}")],
            source=str(path),
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanError(
            [
                Problem(
                    "$",
                    f"not UTF-8 text (byte {exc.start})",
                    f"không phải văn bản UTF-8 (byte {exc.start})",
                )
            ],
            source=str(path),
        ) from None


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Load and check a plan file (``.yaml``/``.yml`` or ``.json``).

    Raises :class:`~tuyentruyen.errors.PlanError` listing every problem, each with its
    path and line.
    """
    p = Path(path)
    text = read_text_file(p)
    fmt = "json" if p.suffix.lower() == ".json" else "yaml"
    try:
        return loads_plan(text, fmt=fmt)
    except PlanError as exc:
        raise PlanError(exc.problems, source=str(p)) from None


def loads_plan(text: str, fmt: str = "yaml") -> Plan:
    """Load and check a plan from text in ``fmt`` (``"yaml"`` or ``"json"``)."""
    if fmt == "json":
        return plan_from_dict(read_json(text))
    data, lines = read_yaml(text)
    return plan_from_dict(data, lines=lines)


def plan_from_dict(data: Any, *, lines: Mapping[str, int] | None = None) -> Plan:
    """Build and check a :class:`Plan` from a plan-file mapping."""
    lines = lines or {}
    if not isinstance(data, Mapping):
        raise PlanError(
            [
                Problem(
                    "$",
                    "a plan file must be a mapping",
                    "tệp kế hoạch phải là một ánh xạ (mapping)",
                    line=1,
                )
            ]
        )
    data = dict(data)
    schema = data.pop("schema", None)
    # Exactly the integer 1: not true (== 1 in Python) nor 1.0.
    if type(schema) is not int or schema != SCHEMA_VERSION:
        found_en, found_vi = shown(schema)
        raise PlanError(
            [
                Problem(
                    "$.schema",
                    f"schema must be {SCHEMA_VERSION} (found {found_en})",
                    f"schema phải là {SCHEMA_VERSION} (đang là {found_vi})",
                    line=_line_of("$.schema", lines),
                )
            ]
        )
    problems: list[Problem] = []

    # Units first: names in the rest of the file are resolved against them.
    try:
        units = _conv.structure({"units": data.get("units", [])}, _UnitsOnly).units
    except RecursionError:  # a last resort: nothing above recurses over the data
        raise PlanError([too_deep("$", None)]) from None
    except Exception as exc:
        raise PlanError(_cattrs_problems(exc, lines)) from None
    names = NameIndex((u.id, (u.name, *((u.short,) if u.short else ()), *u.aliases)) for u in units)

    def ref(value: Any, path: str, task: str | None) -> Any:
        if not isinstance(value, str):
            return value  # cattrs reports the type
        found = names.resolve(value)
        if found is not None:
            return found
        close = names.closest(value)
        hint_en = f"; closest: {', '.join(close)}" if close else ""
        hint_vi = f"; gần nhất: {', '.join(close)}" if close else ""
        problems.append(
            Problem(
                path,
                f"unknown unit {value!r}{hint_en}",
                f"không có đơn vị {value!r}{hint_vi}",
                line=_line_of(path, lines),
                task=task,
                candidates=close,
            )
        )
        return value

    if "issuer" in data:
        data["issuer"] = ref(data["issuer"], "$.issuer", None)
    tasks = data.get("tasks")
    if isinstance(tasks, list):
        data["tasks"] = [
            _prepare_task(t, f"$.tasks[{i}]", ref, problems, lines) if isinstance(t, Mapping) else t
            for i, t in enumerate(tasks)
        ]
    reporting = data.get("reporting")
    if isinstance(reporting, list):
        fixed = []
        for i, rule in enumerate(reporting):
            if isinstance(rule, Mapping):
                rule = dict(rule)
                if "to" in rule:
                    rule["to"] = ref(rule["to"], f"$.reporting[{i}].to", None)
                if isinstance(rule.get("from"), list):
                    rule["from"] = [
                        ref(v, f"$.reporting[{i}].from[{j}]", None)
                        for j, v in enumerate(rule["from"])
                    ]
            fixed.append(rule)
        data["reporting"] = fixed

    try:
        plan = _conv.structure(data, Plan)
    except RecursionError:  # a last resort: nothing above recurses over the data
        raise PlanError([*problems, too_deep("$", None)]) from None
    except Exception as exc:
        raise PlanError([*problems, *_cattrs_problems(exc, lines)]) from None
    # Report the loader's problems and the plan checks together; an unresolved name
    # is reported once, by the loader, with its candidates.
    seen = {p.path for p in problems}
    problems += [p for p in plan.problems if p.path not in seen]
    if problems:
        raise PlanError([attrs.evolve(p, line=p.line or _line_of(p.path, lines)) for p in problems])
    return plan


@attrs.frozen
class _UnitsOnly:
    """Structures the unit table alone, so its errors carry ``$.units[...]`` paths."""

    units: tuple[Unit, ...] = ()


def _prepare_task(
    raw: Mapping[str, Any],
    path: str,
    ref: Callable[[Any, str, str | None], Any],
    problems: list[Problem],
    lines: Mapping[str, int],
) -> dict[str, Any]:
    task = dict(raw)
    tid = task.get("id") if isinstance(task.get("id"), str) else None
    if "lead" in task:
        task["lead"] = ref(task["lead"], f"{path}.lead", tid)
    if isinstance(task.get("support"), list):
        task["support"] = [
            ref(v, f"{path}.support[{j}]", tid) for j, v in enumerate(task["support"])
        ]

    def phrase_problem(field: str, exc: TimePhraseError) -> None:
        problems.append(
            Problem(
                f"{path}.{field}", exc.en, exc.vi, line=_line_of(f"{path}.{field}", lines), task=tid
            )
        )

    window = task.get("window")
    if isinstance(window, str):
        try:
            parsed = parse_window(window)
        except TimePhraseError as exc:
            phrase_problem("window", exc)
            task.pop("window")
        else:
            task["window"] = {"start": parsed.window.start, "end": parsed.window.end}
            task.setdefault("window_text", parsed.text)
            task.setdefault("ongoing", parsed.ongoing)
    elif isinstance(window, Mapping):
        window = dict(window)
        for end in ("start", "end"):
            value = window.get(end)
            if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                try:
                    window[end] = parse_date(value)
                except TimePhraseError as exc:
                    phrase_problem(f"window.{end}", exc)
                    window[end] = None
        task["window"] = window
    due = task.get("plan_due")
    if isinstance(due, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", due.strip()):
        try:
            task["plan_due"] = parse_deadline(due)
            task.setdefault("plan_due_text", unicodedata.normalize("NFC", due).strip())
        except TimePhraseError as exc:
            phrase_problem("plan_due", exc)
            task.pop("plan_due")
    return task


# --- dumping -------------------------------------------------------------------------


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The normalized plan-file mapping of ``plan`` (JSON-ready, ``schema`` first)."""
    body = _conv.unstructure(plan)
    return {"schema": SCHEMA_VERSION, **body}


def dump_plan(plan: Plan, fmt: str = "yaml") -> str:
    """The normalized plan file as text (``"yaml"`` or ``"json"``)."""
    data = plan_to_dict(plan)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))


# --- events --------------------------------------------------------------------------


def event_to_dict(event: Event) -> dict[str, Any]:
    """A JSON-ready mapping of ``event``."""
    return {
        "seq": event.seq,
        "task": event.task,
        "event": event.event,
        "source": event.source,
        "dest": event.dest,
        "actor": event.actor,
        "at": event.at.isoformat(),
        "note": event.note,
        "data": thaw_data(event.data),
        "final": event.final,
    }


_EVENT_KEYS = frozenset(
    ("seq", "task", "event", "source", "dest", "actor", "at", "note", "data", "final")
)


def event_from_dict(raw: Mapping[str, Any]) -> Event:
    """Rebuild an :class:`Event` from :func:`event_to_dict` output.

    Raises ``ValueError`` naming the field that is wrong.
    """
    extra = set(raw) - _EVENT_KEYS
    if extra:
        raise ValueError(f"unknown keys {sorted(extra)}")
    try:
        at = as_local(datetime.fromisoformat(raw["at"]))
        return Event(
            seq=_need(raw, "seq", int),
            task=_need(raw, "task", str),
            event=_need(raw, "event", str),
            source=_need(raw, "source", str),
            dest=_need(raw, "dest", str),
            actor=_need(raw, "actor", str),
            at=at,
            note=raw.get("note"),
            data=freeze_data(raw.get("data")),
            final=raw.get("final"),
        )
    except KeyError as exc:
        raise ValueError(f"missing field {exc.args[0]!r}") from None
    except TypeError as exc:
        raise ValueError(str(exc)) from None


def _need(raw: Mapping[str, Any], key: str, typ: type) -> Any:
    value = raw[key]
    if not isinstance(value, typ) or isinstance(value, bool) != (typ is bool):
        raise ValueError(f"field {key!r} must be {typ.__name__}, got {value!r}")
    return value


def iter_jsonl(text: str) -> Iterator[tuple[int, Any]]:
    """``(line number, parsed JSON)`` for each non-empty line of ``text``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, json.loads(line)
