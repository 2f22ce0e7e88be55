"""Exports: the built-in formats (``json``, ``csv``, ``markdown``) and safe writing.

Every format is an exporter registered by a plugin (``register_exporters``); the
built-in ones come with the ``console`` plugin of :mod:`tuyentruyen.builtin`. An exporter
writes ``path``; :func:`export_to` gives it a temporary file beside the target and moves
it into place only when it succeeded (atomic), and refuses to replace an existing file
unless asked. The same export at the same moment gives the same bytes: no export time,
sorted keys, fixed order.
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs

from tuyentruyen._bulk import gc_paused
from tuyentruyen.errors import TuyenTruyenError
from tuyentruyen.events import Event, thaw_data
from tuyentruyen.hookspecs import Exporter
from tuyentruyen.io import plan_to_dict, task_to_dict
from tuyentruyen.status import Classification, Deadline, TaskStatus

__all__ = [
    "CsvExporter",
    "DotExporter",
    "ExportError",
    "JsonExporter",
    "MarkdownExporter",
    "MermaidExporter",
    "export_to",
    "latest_reports",
    "selected",
]

#: The version of the ``json`` export's layout.
JSON_SCHEMA = "tuyentruyen.export/1"


class ExportError(TuyenTruyenError):
    """The export cannot be written where asked."""


def export_to(
    exporter: Exporter, tracker: Any, path: str | os.PathLike[str], options: Mapping[str, Any],
    *, force: bool = False,
) -> Path:  # fmt: skip
    """Write ``tracker``'s export to ``path`` atomically; an existing file is replaced
    only with ``force``."""
    target = Path(path)
    if target.exists() and not force:
        raise ExportError(
            f"{target}: the file exists; use --force to replace it",
            f"{target}: tệp đã tồn tại; dùng --force để ghi đè",
        )
    if not target.parent.is_dir():
        raise ExportError(
            f"{target}: the folder {target.parent} does not exist",
            f"{target}: thư mục {target.parent} không tồn tại",
        )
    temp = _new_file(target)
    try:
        exporter.export(tracker, temp, options)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def _new_file(target: Path) -> str:
    """An empty new file beside ``target`` with the permissions a new file gets (what
    the umask leaves of 0o666; ``tempfile.mkstemp`` would make it private, 0o600)."""
    while True:
        temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return str(temp)


def selected(tracker: Any, options: Mapping[str, Any]) -> list[TaskStatus]:
    """The status at ``options["at"]`` of every task an export covers, in plan order:
    all tasks, or those ``options["unit"]`` leads or supports (*chủ trì* or *phối hợp*).

    Every exporter starts from this, so ``--unit`` means the same in every format.
    """
    statuses: list[TaskStatus] = tracker.status(at=options["at"])
    unit = options.get("unit")
    if not unit:
        return statuses
    return [st for st in statuses if st.task.lead == unit or unit in st.task.support]


def latest_reports(
    tracker: Any, tasks: Iterable[str], at: datetime, count: int = 1
) -> dict[str, list[Event]]:
    """The last ``count`` ``report`` events of each of ``tasks`` up to ``at``, oldest
    first (what a progress report quotes: the note and the data of each)."""
    wanted: dict[str, list[Event]] = {t: [] for t in tasks}
    for ev in tracker.events:
        if ev.event == "report" and ev.at <= at:
            found = wanted.get(ev.task)
            if found is not None:
                found.append(ev)
    return {t: evs[-count:] if count else [] for t, evs in wanted.items()}


#: Keys a task of the ``json`` export has beside the plan-file ones: its progress.
STATUS_KEYS = ("state", "classification", "classification_label", "deadline", "due_soon",
               "history")  # fmt: skip


class JsonExporter:
    """The plan and every task's state, classification and history as of ``at``
    (layout ``tuyentruyen.export/1``, documented in docs/exports.md).

    ``plan`` is the normalized plan file without its tasks; ``tasks`` holds each task's
    normalized plan-file mapping plus :data:`STATUS_KEYS`. Keys come in a fixed order
    (the plan file's, then the progress; report data sorted, since stores may give
    its keys in any order) and each task is one line, so two exports diff line by
    line. Each line comes from the standard library's C encoder (an indented
    ``json.dumps`` of 100,000 tasks takes 20 s in pure Python; sorting keys costs a
    third more).
    """

    suffix = ".json"

    def export(self, tracker: Any, path: str, options: Mapping[str, Any]) -> None:
        """Write the JSON export to ``path``."""
        at: datetime = options["at"]
        lang = options.get("lang", "vi")
        statuses = selected(tracker, options)
        labels = {c: c.label(lang) for c in Classification}
        dump = json.JSONEncoder(ensure_ascii=False, default=str).encode
        deadlines: dict[Deadline, dict[str, str]] = {}
        with gc_paused():  # 100,000s of small objects, none in a cycle
            history: dict[str, list[Event]] = {st.task.id: [] for st in statuses}
            found = history.get
            for ev in tracker.events:
                events = found(ev.task)
                if events is not None and ev.at <= at:
                    events.append(ev)
            lines = _Encoded()  # each task encoded at once: its dicts live one at a time
            for st in statuses:
                entry = task_to_dict(st.task)
                deadline = st.deadline
                entry["state"] = st.state
                entry["classification"] = st.classification.value
                entry["classification_label"] = labels[st.classification]
                if deadline is None:
                    entry["deadline"] = None
                else:  # few distinct deadlines: one (read-only) mapping each
                    shown = deadlines.get(deadline)
                    if shown is None:
                        shown = deadlines[deadline] = {
                            "kind": deadline.kind, "day": deadline.day.isoformat()
                        }  # fmt: skip
                    entry["deadline"] = shown
                entry["due_soon"] = st.due_soon
                entry["history"] = [
                    {
                        "seq": ev.seq, "task": ev.task, "event": ev.event, "source": ev.source,
                        "dest": ev.dest, "actor": ev.actor, "at": ev.at.isoformat(),
                        "note": ev.note,
                        "data": thaw_data(ev.data, sort_keys=True) if ev.data else {},
                        "final": ev.final,
                    }
                    for ev in history[st.task.id]
                ]  # fmt: skip
                lines.append(dump(entry))
        plan = plan_to_dict(attrs.evolve(tracker.plan, tasks=()))
        del plan["tasks"]
        body = {"at": at.isoformat(), "plan": plan, "schema": JSON_SCHEMA,
                "tasks": lines, "unit": options.get("unit")}  # fmt: skip
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            out.writelines(_layout(body, dump, expand={"plan", "tasks"}))
            out.write("\n")


class _Encoded(list[str]):
    """List items already encoded as JSON text (written as they are)."""


def _layout(
    value: Mapping[str, Any], dump: Any, expand: set[str], path: str = "", depth: int = 0
) -> Iterator[str]:
    """``value`` as an indented JSON object, in pieces to write one after the other:
    indented down to the keys named in ``expand`` (dotted paths: an object there expands
    key by key, a list item by item); every other value on one line."""
    pad = "  " * (depth + 1)
    yield "{"
    for n, key in enumerate(sorted(value)):
        name = f"{path}.{key}" if path else key
        item = value[key]
        yield f"{',' if n else ''}\n{pad}{dump(key)}: "
        if name in expand and isinstance(item, Mapping) and item:
            yield from _layout(item, dump, expand, name, depth + 1)
        elif name in expand and isinstance(item, list) and item:
            inner = ",\n" + pad + "  "
            yield "[\n" + pad + "  "
            texts = item if isinstance(item, _Encoded) else list(map(dump, item))
            for k in range(0, len(texts), 2048):  # joined in chunks: few, large writes
                yield (inner if k else "") + inner.join(texts[k : k + 2048])
            yield "\n" + pad + "]"
        else:
            yield dump(item)
    yield "\n" + "  " * depth + "}"


#: Cells a spreadsheet would read as a formula (CSV injection) start with one of these.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """``value`` as a CSV cell that a spreadsheet will not evaluate: text starting
    with ``= + - @``, a tab or a carriage return gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


_COLUMNS = {
    "vi": ("Mã", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Hạn ban hành kế hoạch",
           "Bắt đầu", "Kết thúc", "Trạng thái", "Phân loại"),
    "en": ("Id", "Title", "Lead unit", "Supporting units", "Plan due", "Start", "End",
           "State", "Classification"),
}  # fmt: skip


def _table(tracker: Any, options: Mapping[str, Any]) -> list[list[str]]:
    """The task table of the csv and markdown exports: a header, then one row of text
    per task in plan order."""
    from tuyentruyen.lifecycle import STATE_LABELS

    lang = options.get("lang", "vi")
    states = STATE_LABELS[lang]
    labels = {c: c.label(lang) for c in Classification}
    names = {u.id: u.name for u in tracker.plan.units}
    days: dict[date | None, str] = {None: ""}

    def day(value: date | None) -> str:  # a plan has few distinct days: format each once
        text = days.get(value)
        if text is None:
            text = days[value] = value.isoformat()  # type: ignore[union-attr]
        return text

    out = [list(_COLUMNS[lang])]
    add = out.append
    with gc_paused():
        for st in selected(tracker, options):
            task = st.task
            add([
                task.id, task.title, names.get(task.lead, task.lead),
                ", ".join([names.get(u, u) for u in task.support]), day(task.plan_due),
                day(task.window.start), day(task.window.end), states[st.state],
                labels[st.classification],
            ])  # fmt: skip
    return out


class CsvExporter:
    """One row per task; UTF-8 with a byte-order mark so Excel reads Vietnamese right;
    formula-like cells neutralised."""

    suffix = ".csv"

    def export(self, tracker: Any, path: str, options: Mapping[str, Any]) -> None:
        """Write the CSV export to ``path``."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerows(
            [c if not c.startswith(_FORMULA) else "'" + c for c in row]
            for row in _table(tracker, options)
        )
        Path(path).write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


class MarkdownExporter:
    """The task table as Markdown, with the plan's title and the moment."""

    suffix = ".md"

    def export(self, tracker: Any, path: str, options: Mapping[str, Any]) -> None:
        """Write the Markdown export to ``path``."""
        at: datetime = options["at"]
        lang = options.get("lang", "vi")
        table = _table(tracker, options)

        def cell(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        moment = f"{at.day}/{at.month}/{at.year}"
        head = f"# {tracker.plan.title}\n\n" + (
            f"Tình hình thực hiện đến ngày {moment}.\n\n"
            if lang == "vi"
            else f"Progress as of {moment}.\n\n"
        )
        lines = ["| " + " | ".join(cell(c) for c in table[0]) + " |"]
        lines.append("|" + "---|" * len(table[0]))
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in table[1:]]
        Path(path).write_text(head + "\n".join(lines) + "\n", encoding="utf-8")


#: Fill colours of the classes in graphs (the official scheme: done on time green, in
#: progress on time blue, done late orange, overdue red, not started grey).
CLASS_COLOURS = {
    Classification.DONE_ON_TIME: "#2e7d32",
    Classification.IN_PROGRESS_ON_TIME: "#1565c0",
    Classification.DONE_LATE: "#ef6c00",
    Classification.IN_PROGRESS_OVERDUE: "#c62828",
    Classification.NOT_STARTED: "#9e9e9e",
    Classification.NO_DEADLINE: "#78909c",
    Classification.CANCELLED: "#bdbdbd",
}


def _graph(
    tracker: Any, options: Mapping[str, Any]
) -> tuple[list[TaskStatus], list[tuple[str, str, str]]]:
    """The tasks of the export and the dependency edges among them:
    (prerequisite, dependent, label), in plan order."""
    statuses = selected(tracker, options)
    ids = {st.task.id for st in statuses}
    edges = [
        (dep.task, st.task.id, f"{dep.state} → {'/'.join(dep.events)}")
        for st in statuses
        for dep in st.task.depends_on
        if dep.task in ids
    ]
    return statuses, edges


def _dot_text(*lines: str) -> str:
    """A quoted Graphviz string of ``lines`` (joined by Graphviz's line break)."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")

    return '"' + "\\n".join(escape(line) for line in lines) + '"'


class DotExporter:
    """The dependency graph (*quan hệ phụ thuộc giữa các nhiệm vụ*) as Graphviz source:
    one node per task, filled with its classification's colour, one edge per dependency
    ("prerequisite → dependent")."""

    suffix = ".dot"

    def export(self, tracker: Any, path: str, options: Mapping[str, Any]) -> None:
        """Write the Graphviz source to ``path``."""
        lang = options.get("lang", "vi")
        statuses, edges = _graph(tracker, options)
        lines = [
            "digraph plan {",
            f"  label={_dot_text(tracker.plan.title)};",
            "  rankdir=LR;",
            '  node [shape=box, style="rounded,filled", fontname="Times New Roman", '
            "fontcolor=white];",
        ]
        for st in statuses:
            label = _dot_text(
                f"{st.task.id}: {_short(st.task.title)}", st.classification.label(lang)
            )
            colour = CLASS_COLOURS[st.classification]
            lines.append(f'  {_dot_text(st.task.id)} [label={label}, fillcolor="{colour}"];')
        for a, b, label in edges:
            lines.append(f"  {_dot_text(a)} -> {_dot_text(b)} [label={_dot_text(label)}];")
        lines.append("}")
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _short(title: str, limit: int = 60) -> str:
    """A title cut to ``limit`` characters at a word boundary, for graph labels."""
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def _mermaid_text(text: str) -> str:
    # Mermaid labels are quoted strings; quotes and markup characters become entities.
    return (
        text.replace("&", "&amp;").replace('"', "#quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


class MermaidExporter:
    """The dependency graph as a Mermaid flowchart (renders in GitLab, GitHub and most
    wikis), nodes styled by classification."""

    suffix = ".mmd"

    def export(self, tracker: Any, path: str, options: Mapping[str, Any]) -> None:
        """Write the Mermaid source to ``path``."""
        lang = options.get("lang", "vi")
        statuses, edges = _graph(tracker, options)
        node = {st.task.id: f"t{i}" for i, st in enumerate(statuses)}
        lines = ["flowchart LR"]
        for st in statuses:
            label = _mermaid_text(
                f"{st.task.id}: {_short(st.task.title)} ({st.classification.label(lang)})"
            )
            lines.append(f'  {node[st.task.id]}["{label}"]:::{st.classification.value}')
        for a, b, label in edges:
            lines.append(f'  {node[a]} -->|"{_mermaid_text(label)}"| {node[b]}')
        for cls, colour in CLASS_COLOURS.items():
            lines.append(f"  classDef {cls.value} fill:{colour},color:#fff")
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
