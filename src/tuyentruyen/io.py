"""Plan files (YAML and JSON) and event records, through a private cattrs converter.

A plan file is a mapping with ``schema: 1``. Every error names where it is: the JSON
path (``$.tasks[3].window``) and, for YAML, the line. Unknown keys are errors. YAML is
read with the safe loader only: ``!!python/object`` and friends are refused.

In a plan file ``window`` is a phrase ("Từ tháng 9 đến tháng 10/2023") or a mapping
``{start: 2023-09-01, end: 2023-10-31}`` (either end may be null), ``plan_due`` a
phrase or an ISO date, and unit references (``issuer``, ``lead``, ``support``,
``reporting[].to/from``) unit ids or names, matched after NFC normalisation against
names and aliases. :func:`plan_to_dict` gives the normalized form, itself a valid plan
file: load -> dump -> load gives an equal :class:`~tuyentruyen.model.Plan`.
"""

from __future__ import annotations

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
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from tuyentruyen.errors import PlanError, Problem, TimePhraseError
from tuyentruyen.events import Event, freeze_data, thaw_data
from tuyentruyen.model import (
    Dependency,
    LegalBasis,
    Plan,
    ReportingRule,
    Unit,
)
from tuyentruyen.names import NameIndex
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

_conv = cattrs.Converter(forbid_extra_keys=True)


def _structure_date(value: Any, _: type) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return date.fromisoformat(value.strip())
    raise ValueError(f"expected an ISO date YYYY-MM-DD, got {value!r}")


def _structure_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__} {value!r}")
    return unicodedata.normalize("NFC", value)


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {value!r}")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _strict_tuple(value: Any, typ: Any) -> tuple[Any, ...]:
    """A homogeneous tuple from a list, never from a string; errors keep the index."""
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise ValueError(f"expected a list, got {type(value).__name__}")
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


def _or_text(cls: type, field: str) -> Callable[[Any, type], Any]:
    """Structure ``cls`` from a mapping, or from a bare string meaning its ``field``."""
    base: Callable[[Any, Any], Any] = make_dict_structure_fn(cls, _conv)

    def hook(value: Any, _: type) -> Any:
        if isinstance(value, str):
            return cls(**{field: unicodedata.normalize("NFC", value)})
        return base(value, cls)

    return hook


_conv.register_structure_hook(LegalBasis, _or_text(LegalBasis, "text"))
_conv.register_structure_hook(Dependency, _or_text(Dependency, "task"))
_conv.register_structure_hook(
    ReportingRule,
    make_dict_structure_fn(ReportingRule, _conv, from_=override(rename="from")),
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


# --- problems from cattrs ------------------------------------------------------------

_VI = [
    (re.compile(r"^required field missing$"), "thiếu trường bắt buộc"),
    (re.compile(r"^extra fields found \((.*)\)$"), r"có trường không được phép (\1)"),
    (re.compile(r"^invalid value for type, expected (.*)$"), r"giá trị sai kiểu, cần \1"),
    (re.compile(r"^invalid type \((.*)\)$"), r"sai kiểu (\1)"),
]


def _cattrs_problems(exc: Exception, lines: Mapping[str, int]) -> list[Problem]:
    problems = []
    for message in cattrs.transform_error(exc, path="$"):
        text, _, path = message.rpartition(" @ ")
        if not text:
            text, path = message, "$"
        vi = text
        for pattern, repl in _VI:
            if pattern.search(text):
                vi = pattern.sub(repl, text)
                break
        line = _line_of(path, lines)
        extra = re.search(r"extra fields found \((.*)\)", text)
        if extra:
            text = text.replace("extra fields found", "unknown keys")
            keys = [k.strip() for k in extra.group(1).split(",")]
            line = min((lines[f"{path}.{k}"] for k in keys if f"{path}.{k}" in lines), default=line)
        problems.append(Problem(path, text, vi, line=line))
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


# --- YAML with line numbers ----------------------------------------------------------


def _yaml_lines(node: yaml.Node, path: str, out: dict[str, int], problems: list[Problem]) -> None:
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{path}.{key}"
            if key in seen:
                problems.append(
                    Problem(
                        child,
                        f"duplicate key {key!r}",
                        f"khóa {key!r} bị lặp",
                        line=key_node.start_mark.line + 1,
                    )
                )
            seen.add(key)
            out[child] = key_node.start_mark.line + 1
            _yaml_lines(value_node, child, out, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _yaml_lines(item, f"{path}[{i}]", out, problems)


def _read_yaml(text: str) -> tuple[Any, dict[str, int], list[Problem]]:
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None:
            _yaml_lines(node, "$", lines, problems)
        data = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = f"{exc.problem or ''} {exc.context or ''}".strip() or "malformed YAML"
        if "could not determine a constructor" in what or "python/" in what:
            en = f"unsafe or unknown YAML tag refused ({what})"
            vi = f"từ chối thẻ YAML không an toàn hoặc không biết ({what})"
        else:
            en, vi = f"malformed YAML: {what}", f"YAML sai cú pháp: {what}"
        raise PlanError([Problem("$", en, vi, line=(mark.line + 1) if mark else None)]) from None
    except yaml.YAMLError as exc:
        raise PlanError(
            [Problem("$", f"malformed YAML: {exc}", f"YAML sai cú pháp: {exc}")]
        ) from None
    return data, lines, problems


# --- loading -------------------------------------------------------------------------


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Load and check a plan file (``.yaml``/``.yml`` or ``.json``).

    Raises :class:`~tuyentruyen.errors.PlanError` listing every problem, each with its
    path and line.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise PlanError(
            [
                Problem(
                    "$",
                    f"cannot read the file: {exc.strerror}",
                    f"không đọc được tệp: {exc.strerror}",
                )
            ],
            source=str(p),
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanError(
            [
                Problem(
                    "$",
                    f"not UTF-8 text (byte {exc.start})",
                    f"không phải văn bản UTF-8 (byte {exc.start})",
                )
            ],
            source=str(p),
        ) from None
    fmt = "json" if p.suffix.lower() == ".json" else "yaml"
    try:
        return loads_plan(text, fmt=fmt)
    except PlanError as exc:
        raise PlanError(exc.problems, source=str(p)) from None


def loads_plan(text: str, fmt: str = "yaml") -> Plan:
    """Load and check a plan from text in ``fmt`` (``"yaml"`` or ``"json"``)."""
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PlanError(
                [
                    Problem(
                        "$",
                        f"malformed JSON: {exc.msg}",
                        f"JSON sai cú pháp: {exc.msg}",
                        line=exc.lineno,
                    )
                ]
            ) from None
        return plan_from_dict(data)
    data, lines, problems = _read_yaml(text)
    if problems:
        raise PlanError(problems)
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
    if schema != SCHEMA_VERSION:
        raise PlanError(
            [
                Problem(
                    "$.schema",
                    f"schema must be {SCHEMA_VERSION} (found {schema!r})",
                    f"schema phải là {SCHEMA_VERSION} (đang là {schema!r})",
                    line=_line_of("$.schema", lines),
                )
            ]
        )
    problems: list[Problem] = []

    # Units first: names in the rest of the file are resolved against them.
    try:
        units = _conv.structure({"units": data.get("units", [])}, _UnitsOnly).units
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
