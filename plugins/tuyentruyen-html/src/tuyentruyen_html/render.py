"""The page's content, computed in Python: the Gantt chart's geometry, the dependency
graph's layout, the tables and the data blob the page's script reads.

The template (``templates/report.html.j2``) only prints what :func:`build_context`
returns; Jinja2 escapes every value (autoescape on), and the data blob is JSON made safe
for a ``<script>`` element by :func:`script_json`.
"""

from __future__ import annotations

import gc
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from tuyentruyen.errors import TuyenTruyenError
from tuyentruyen.export import CLASS_COLOURS, selected
from tuyentruyen.lifecycle import EVENT_LABELS_VI, STATE_LABELS, STATES
from tuyentruyen.model import Plan, Task
from tuyentruyen.status import Classification, TaskStatus, UnitSummary
from tuyentruyen.timeexpr import as_local, month_end
from tuyentruyen.workdays import format_date_en

__all__ = [
    "LABELS",
    "MAX_GRAPH_NODES",
    "OFFICIAL_ORDER",
    "HtmlOptionError",
    "build_context",
    "render_html",
    "script_json",
]

#: Width of the Gantt chart's label column (task ids), in CSS pixels.
LABEL_WIDTH = 88
#: Height of one Gantt row, in CSS pixels.
ROW_HEIGHT = 18
#: Gantt rows per block; blocks off screen are skipped by the browser
#: (``content-visibility: auto``), which keeps 100,000 rows responsive.
CHUNK = 200
#: Default width of the time axis, in CSS pixels (``-O chart_width=...``).
CHART_WIDTH = 1200
#: At most this many pixels per day, however short the plan.
MAX_PX_PER_DAY = 12.0
#: A dependency graph with more nodes is given as a list only (an SVG that large
#: helps nobody).
MAX_GRAPH_NODES = 400
#: Rows of the task table the page renders at once are computed by its script; above
#: this many tasks, printing shows only the rows on screen.
PRINT_ALL_LIMIT = 5000

#: The official classes first, in the order of the official tables and the legend.
OFFICIAL_ORDER: tuple[Classification, ...] = (
    Classification.DONE_ON_TIME,
    Classification.IN_PROGRESS_ON_TIME,
    Classification.DONE_LATE,
    Classification.IN_PROGRESS_OVERDUE,
    Classification.NOT_STARTED,
)
_EXTRA_ORDER = (Classification.NO_DEADLINE, Classification.CANCELLED)

#: Every text the page shows, in Vietnamese and English.
LABELS: Mapping[str, Mapping[str, str]] = {
    "vi": {
        "progress": "Tình hình thực hiện đến ngày {day}",
        "issuer": "Cơ quan ban hành",
        "reference": "Số hiệu",
        "issued_on": "Ngày ban hành",
        "unit_only": "Đơn vị",
        "unit_only_note": "các nhiệm vụ đơn vị chủ trì hoặc phối hợp",
        "contents": "Nội dung",
        "summary": "Tổng hợp kết quả",
        "total": "Tổng số nhiệm vụ",
        "legend": "Chú giải",
        "legend_due": "Hạn ban hành kế hoạch",
        "legend_today": "Thời điểm đánh giá",
        "legend_open": "Thường xuyên / không có ngày kết thúc (kéo đến hết kế hoạch)",
        "gantt": "Tiến độ thực hiện",
        "gantt_note": "Mỗi thanh là thời gian thực hiện của một nhiệm vụ, tô màu theo phân loại.",
        "gantt_id": "Mã",
        "month": "T{month}/{year}",
        "no_tasks": "Không có nhiệm vụ nào.",
        "deps": "Quan hệ phụ thuộc giữa các nhiệm vụ",
        "deps_none": "Không có nhiệm vụ nào phụ thuộc nhiệm vụ khác.",
        "deps_big": "Có {n} nhiệm vụ liên quan: quá nhiều để vẽ, chỉ liệt kê.",
        "deps_edge": "{src} {state} thì {dst} mới được {events}",
        "deps_layer": "Bậc {n}",
        "units": "Tổng hợp theo đơn vị chủ trì",
        "u_unit": "Đơn vị chủ trì",
        "u_total": "Tổng số",
        "u_due": "Đến hạn",
        "u_done_on_time": "Hoàn thành đúng hạn",
        "u_done_late": "Hoàn thành quá hạn",
        "u_not_done_on_time": "Chưa hoàn thành, trong hạn",
        "u_not_done_overdue": "Chưa hoàn thành, quá hạn",
        "u_rate": "Tỷ lệ đúng hạn (%)",
        "u_sum": "Tổng cộng",
        "tasks": "Danh sách nhiệm vụ",
        "t_id": "Mã",
        "t_title": "Nội dung",
        "t_lead": "Đơn vị chủ trì",
        "t_support": "Đơn vị phối hợp",
        "t_window": "Thời gian thực hiện",
        "t_state": "Trạng thái",
        "t_class": "Phân loại",
        "filter": "Lọc",
        "f_unit": "Đơn vị (chủ trì hoặc phối hợp)",
        "f_unit_all": "Tất cả đơn vị",
        "f_state": "Trạng thái / phân loại",
        "f_state_all": "Tất cả",
        "f_states": "Trạng thái",
        "f_classes": "Phân loại",
        "count": "{n} nhiệm vụ",
        "count_one": "{n} nhiệm vụ",
        "noscript": "Cần bật JavaScript để xem danh sách nhiệm vụ và dùng bộ lọc.",
        "from": "từ {day}",
        "until": "đến {day}",
        "ongoing": "thường xuyên",
        "footer": "Tạo bởi tuyentruyen, tính đến ngày {day}.",
    },
    "en": {
        "progress": "Progress as of {day}",
        "issuer": "Issued by",
        "reference": "Reference",
        "issued_on": "Issued on",
        "unit_only": "Unit",
        "unit_only_note": "the tasks it leads or supports",
        "contents": "Contents",
        "summary": "Summary",
        "total": "Tasks",
        "legend": "Legend",
        "legend_due": "Sub-plan due (issue the plan by)",
        "legend_today": "Moment of the report",
        "legend_open": "Ongoing / no end date (drawn to the end of the plan)",
        "gantt": "Timeline",
        "gantt_note": "Each bar is a task's execution window, coloured by its classification.",
        "gantt_id": "Id",
        "month": "{mon} {year}",
        "no_tasks": "No tasks.",
        "deps": "Dependencies between tasks",
        "deps_none": "No task depends on another.",
        "deps_big": "{n} tasks are involved: too many to draw, listed only.",
        "deps_edge": "{dst} may be {events} once {src} is {state}",
        "deps_layer": "Level {n}",
        "units": "By lead unit",
        "u_unit": "Lead unit",
        "u_total": "Total",
        "u_due": "Due",
        "u_done_on_time": "Done on time",
        "u_done_late": "Done late",
        "u_not_done_on_time": "Not done, on time",
        "u_not_done_overdue": "Not done, overdue",
        "u_rate": "On-time rate (%)",
        "u_sum": "Total",
        "tasks": "Tasks",
        "t_id": "Id",
        "t_title": "Title",
        "t_lead": "Lead unit",
        "t_support": "Supporting units",
        "t_window": "Window",
        "t_state": "State",
        "t_class": "Classification",
        "filter": "Filter",
        "f_unit": "Unit (lead or supporting)",
        "f_unit_all": "All units",
        "f_state": "State / classification",
        "f_state_all": "All",
        "f_states": "State",
        "f_classes": "Classification",
        "count": "{n} tasks",
        "count_one": "{n} task",
        "noscript": "Turn JavaScript on to see the task list and use the filter.",
        "from": "from {day}",
        "until": "until {day}",
        "ongoing": "ongoing",
        "footer": "Made by tuyentruyen, as of {day}.",
    },
}

_EVENT_LABELS_EN = {
    "issue": "issued",
    "start": "started",
    "report": "reported",
    "accept": "accepted",
    "rework": "sent back",
    "cancel": "cancelled",
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class HtmlOptionError(TuyenTruyenError):
    """A format option (``-O KEY=VALUE``) of the ``html`` export is not valid."""


# --- small helpers -----------------------------------------------------------------


def script_json(value: Any) -> Markup:
    """``value`` as JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026`` (the same
    string once parsed), so no ``</script>`` or ``<!--`` can appear in the element and
    the HTML parser can never end it early; the text reads back with ``JSON.parse``.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _lang(options: Mapping[str, Any]) -> str:
    return "en" if options.get("lang") == "en" else "vi"


def _day_formatter(lang: str) -> Callable[[date], str]:
    if lang == "en":
        return format_date_en
    return lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}"


def _chart_width(options: Mapping[str, Any]) -> int:
    raw = options.get("chart_width")
    if raw is None or raw == "":
        return CHART_WIDTH
    try:
        width = int(str(raw).strip())
    except ValueError:
        width = -1
    if not 300 <= width <= 20000:
        raise HtmlOptionError(
            f"-O chart_width={raw!r}: give a width in pixels from 300 to 20000",
            f"-O chart_width={raw!r}: cần độ rộng tính bằng điểm ảnh, từ 300 đến 20000",
        )
    return width


def _px(value: float) -> str:
    """A CSS length in pixels, one decimal (the same text for the same value)."""
    return f"{value:.1f}"


def _text_colour(hex_colour: str) -> str:
    """Black or white, whichever reads better on ``hex_colour``."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#212121" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def _short(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters (at a word if one is near)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut + "…"


# --- the Gantt chart -----------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    """A month on the time axis: where it starts on the axis (``x``) and in a row
    (``left``, after the label column), and its label (empty when thinned)."""

    x: str
    left: str
    label: str


@dataclass(frozen=True)
class Gantt:
    """Everything the template needs to draw the chart.

    ``chunks`` holds the rows in blocks of :data:`CHUNK`, each ``(height, rows)``; a row
    is ``(id, lead, state, class, left, width, due_left or "", open)`` with lengths in
    pixels from the left edge of the row (the label column included).
    """

    start: date
    end: date
    days: int
    px_per_day: float
    width: str
    total_width: str
    today_x: str
    today_left: str
    plan_end: date
    ticks: list[Tick]
    chunks: list[tuple[int, list[tuple[str, str, str, str, str, str, str, bool]]]]


def _dates(statuses: Sequence[TaskStatus]) -> tuple[date | None, date | None]:
    """The earliest and latest date any of the tasks gives (window ends, plan dues)."""
    lo: date | None = None
    hi: date | None = None
    for st in statuses:
        t = st.task
        for d in (t.window.start, t.window.end, t.plan_due):
            if d is not None:
                if lo is None or d < lo:
                    lo = d
                if hi is None or d > hi:
                    hi = d
    return lo, hi


def _gantt(statuses: Sequence[TaskStatus], at: datetime, width: int, lang: str) -> Gantt:
    local = as_local(at)
    today = local.date()
    lo, hi = _dates(statuses)
    first = min(lo, today) if lo is not None else today
    last = max(hi, today) if hi is not None else today
    plan_end = hi if hi is not None else last
    start = first.replace(day=1)
    end = month_end(last.year, last.month)
    days = (end - start).days + 1
    ppd = min(width / days, MAX_PX_PER_DAY)
    origin = start.toordinal()

    ticks: list[Tick] = []
    step = max(1, math.ceil(56 / (30.4 * ppd)))  # months between labels: >= 56 px apart
    y, m, k = start.year, start.month, 0
    while (y, m) <= (end.year, end.month):
        x = (date(y, m, 1).toordinal() - origin) * ppd
        if lang == "en":
            label = LABELS["en"]["month"].format(mon=_MONTHS_EN[m - 1], year=y)
        else:
            label = LABELS["vi"]["month"].format(month=m, year=y)
        ticks.append(Tick(_px(x), _px(LABEL_WIDTH + x), label if k % step == 0 else ""))
        y, m, k = (y + 1, 1, k + 1) if m == 12 else (y, m + 1, k + 1)

    seconds = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    today_x = ((today.toordinal() - origin) + seconds / 86400) * ppd

    rows: list[tuple[str, str, str, str, str, str, str, bool]] = []
    lefts: dict[date | None, float] = {}
    plan_start = first
    min_width = 2.0
    for st in statuses:
        t = st.task
        s = t.window.start or plan_start
        e = t.window.end
        is_open = e is None
        if e is None:
            e = plan_end if plan_end >= s else s
        elif e < s:
            e = s
        left = lefts.get(s)
        if left is None:
            left = lefts[s] = LABEL_WIDTH + (s.toordinal() - origin) * ppd
        bar = max(((e.toordinal() - s.toordinal()) + 1) * ppd, min_width)
        due = ""
        if t.plan_due is not None:
            due = _px(LABEL_WIDTH + (t.plan_due.toordinal() - origin + 0.5) * ppd)
        rows.append(
            (
                t.id,
                t.lead,
                st.state,
                st.classification.value,
                _px(left),
                _px(bar),
                due,
                is_open,
            )
        )
    chunks = [
        (len(rows[i : i + CHUNK]) * ROW_HEIGHT, rows[i : i + CHUNK])
        for i in range(0, len(rows), CHUNK)
    ]
    return Gantt(
        start=start,
        end=end,
        days=days,
        px_per_day=ppd,
        width=_px(days * ppd),
        total_width=_px(LABEL_WIDTH + days * ppd),
        today_x=_px(today_x),
        today_left=_px(LABEL_WIDTH + today_x),
        plan_end=plan_end,
        ticks=ticks,
        chunks=chunks,
    )


# --- the dependency graph ------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A task in the dependency graph, placed at ``(x, y)`` in its layer."""

    id: str
    title: str
    short: str
    cls: str
    cls_label: str
    fill: str
    ink: str
    layer: int
    x: int
    y: int


@dataclass(frozen=True)
class Edge:
    """A dependency: ``src`` (the prerequisite) must reach ``state`` before ``dst``'s
    ``events``; ``path`` is the SVG path of its arrow, ``text`` the sentence."""

    src: str
    dst: str
    path: str
    text: str
    src_title: str
    dst_title: str


@dataclass(frozen=True)
class Graph:
    """The drawn graph (``drawn`` false: too big or empty, list only)."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    width: int = 0
    height: int = 0
    drawn: bool = False
    involved: int = 0
    layers: list[tuple[int, str]] = field(default_factory=list)


NODE_W, NODE_H, GAP_X, GAP_Y, PAD = 210, 46, 70, 14, 12


def _layers(ids: Sequence[str], prereqs: Mapping[str, list[str]]) -> dict[str, int]:
    """Layer of each node: the longest path from a root (a node with no prerequisite).

    Iterative (no recursion limit); a node on a cycle, which a valid plan never has,
    is put after what is known of its prerequisites instead of looping.
    """
    layer: dict[str, int] = {}
    visiting: set[str] = set()
    for root in ids:
        if root in layer:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, i = stack.pop()
            if i == 0:
                visiting.add(node)
            deps = prereqs.get(node, [])
            while i < len(deps) and (deps[i] in layer or deps[i] in visiting):
                i += 1
            if i < len(deps):
                stack.append((node, i + 1))
                stack.append((deps[i], 0))
                continue
            visiting.discard(node)
            layer[node] = 1 + max((layer.get(d, -1) for d in deps), default=-1)
    return layer


def _event_words(events: Iterable[str], lang: str) -> str:
    if lang == "en":
        return "/".join(_EVENT_LABELS_EN.get(e, e) for e in events)
    return "/".join(EVENT_LABELS_VI.get(e, e) for e in events)


def _graph(statuses: Sequence[TaskStatus], lang: str) -> Graph:
    by_id = {st.task.id: st for st in statuses}
    labels = LABELS[lang]
    raw: list[tuple[str, str, str, str]] = []
    for st in statuses:
        for dep in st.task.depends_on:
            if dep.task in by_id:
                raw.append((dep.task, st.task.id, dep.state, _event_words(dep.events, lang)))
    if not raw:
        return Graph()
    involved = {a for a, *_ in raw} | {b for _, b, *_ in raw}
    order = [st.task.id for st in statuses if st.task.id in involved]
    texts = [
        labels["deps_edge"].format(
            src=a, dst=b, state=STATE_LABELS[lang].get(state, state), events=events
        )
        for a, b, state, events in raw
    ]
    if len(order) > MAX_GRAPH_NODES:
        edges = [
            Edge(a, b, "", text, by_id[a].task.title, by_id[b].task.title)
            for (a, b, _, _), text in zip(raw, texts, strict=True)
        ]
        return Graph(edges=edges, involved=len(order))

    prereqs: dict[str, list[str]] = {}
    for a, b, *_ in raw:
        prereqs.setdefault(b, []).append(a)
    layer = _layers(order, prereqs)
    rank = {tid: i for i, tid in enumerate(order)}
    columns: dict[int, list[str]] = {}
    for tid in order:
        columns.setdefault(layer[tid], []).append(tid)
    # One sweep of barycentres: a node sits near the mean row of its prerequisites.
    row: dict[str, float] = {}
    for k in sorted(columns):
        col = columns[k]
        if k > 0:
            col.sort(
                key=lambda t: (
                    sum(row[p] for p in prereqs.get(t, ())) / max(1, len(prereqs.get(t, ()))),
                    rank[t],
                )
            )
        for i, tid in enumerate(col):
            row[tid] = i
    nodes: dict[str, Node] = {}
    for k, col in columns.items():
        for i, tid in enumerate(col):
            st = by_id[tid]
            fill = CLASS_COLOURS[st.classification]
            nodes[tid] = Node(
                id=tid,
                title=st.task.title,
                short=_short(st.task.title, 30),
                cls=st.classification.value,
                cls_label=st.classification.label(lang),
                fill=fill,
                ink=_text_colour(fill),
                layer=k,
                x=PAD + k * (NODE_W + GAP_X),
                y=PAD + 20 + i * (NODE_H + GAP_Y),
            )
    edges = []
    for (a, b, _, _), text in zip(raw, texts, strict=True):
        na, nb = nodes[a], nodes[b]
        x1, y1 = na.x + NODE_W, na.y + NODE_H // 2
        x2, y2 = nb.x - 2, nb.y + NODE_H // 2
        bend = max(24, (x2 - x1) // 2)
        path = f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}"
        edges.append(Edge(a, b, path, text, na.title, nb.title))
    n_layers = max(columns) + 1
    tallest = max(len(c) for c in columns.values())
    return Graph(
        nodes=[nodes[t] for t in order],
        edges=edges,
        width=2 * PAD + n_layers * NODE_W + (n_layers - 1) * GAP_X,
        height=2 * PAD + 20 + tallest * NODE_H + (tallest - 1) * GAP_Y,
        drawn=True,
        involved=len(order),
        layers=[
            (PAD + k * (NODE_W + GAP_X), labels["deps_layer"].format(n=k + 1))
            for k in range(n_layers)
        ],
    )


# --- tables and data -----------------------------------------------------------------


def _rate(value: float | None, lang: str) -> str:
    if value is None:
        return "—"
    text = f"{value:.1f}"
    return text if lang == "en" else text.replace(".", ",")


def _unit_rows(tracker: Any, at: datetime, unit: str | None, lang: str) -> list[dict[str, Any]]:
    plan: Plan = tracker.plan
    summary = tracker.summary(at)
    rows = [r for r in summary.rows if unit is None or r.unit == unit]
    if unit is not None and not rows:  # the unit only supports: it leads nothing
        rows = [UnitSummary(unit)]
    out = []
    for r in rows if unit is not None else [*rows, summary.total]:
        is_total = r is summary.total
        out.append(
            {
                "unit": r.unit,
                "name": LABELS[lang]["u_sum"] if is_total else plan.unit_name(r.unit),
                "total": r.total,
                "due": r.due,
                "done_on_time": r.done_on_time,
                "done_late": r.done_late,
                "not_done_on_time": r.not_done_on_time,
                "not_done_overdue": r.not_done_overdue,
                "rate": _rate(r.on_time_rate, lang),
                "is_total": is_total,
            }
        )
    return out


def _window_text(task: Task, lang: str, day: Callable[[date], str]) -> str:
    labels = LABELS[lang]
    s, e = task.window.start, task.window.end
    if s is not None and e is not None:
        text = day(s) if s == e else f"{day(s)} – {day(e)}"
    elif s is not None:
        text = labels["from"].format(day=day(s))
    elif e is not None:
        text = labels["until"].format(day=day(e))
    else:
        text = ""
    if task.ongoing:
        text = labels["ongoing"] + (f", {text}" if text else "")
    return text


def _data(
    statuses: Sequence[TaskStatus], plan: Plan, lang: str, day: Callable[[date], str]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The blob the script reads, and the units of the filter (id, name)."""
    labels = LABELS[lang]
    index: dict[str, int] = {}
    used: list[str] = []

    def unit_index(unit_id: str) -> int:
        found = index.get(unit_id)
        if found is None:
            found = index[unit_id] = len(used)
            used.append(unit_id)
        return found

    windows: dict[tuple[date | None, date | None, bool], str] = {}
    days: dict[date | None, str] = {None: ""}
    no_support: list[int] = []
    tasks: list[list[Any]] = []
    append = tasks.append
    for st in statuses:
        t = st.task
        key = (t.window.start, t.window.end, t.ongoing)
        window = windows.get(key)
        if window is None:
            window = windows[key] = _window_text(t, lang, day)
        due = days.get(t.plan_due)
        if due is None:
            due = days[t.plan_due] = day(t.plan_due)  # type: ignore[arg-type]
        lead = index.get(t.lead)
        if lead is None:
            lead = unit_index(t.lead)
        append(
            [
                t.id,
                t.title,
                lead,
                [unit_index(u) for u in t.support] if t.support else no_support,
                t.support_other,
                window,
                st.state,
                st.classification.value,
                due,
            ]
        )
    # The filter lists units in the plan's order, unknown ids last.
    plan_order = {u.id: i for i, u in enumerate(plan.units)}
    filter_units = sorted(used, key=lambda u: (plan_order.get(u, len(plan_order)), u))
    data = {
        "lang": lang,
        "units": [[u, plan.unit_name(u)] for u in used],
        "states": {s: STATE_LABELS[lang][s] for s in STATES},
        "classes": {c.value: c.label(lang) for c in Classification},
        "count": {"one": labels["count_one"], "other": labels["count"]},
        "due": labels["legend_due"],
        "printAll": len(tasks) <= PRINT_ALL_LIMIT,
        "chunk": CHUNK,
        "rowH": ROW_HEIGHT,
        "tasks": tasks,
    }
    return data, [(u, plan.unit_name(u)) for u in filter_units]


def build_context(tracker: Any, options: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the template prints, for ``tracker`` at ``options["at"]``
    (``unit``, ``lang`` and ``chart_width`` as in :class:`HtmlExporter`)."""
    lang = _lang(options)
    labels = LABELS[lang]
    at: datetime = options["at"]
    unit: str | None = options.get("unit") or None
    width = _chart_width(options)
    plan: Plan = tracker.plan
    day = _day_formatter(lang)
    statuses = selected(tracker, options)

    counts = dict.fromkeys(Classification, 0)
    for st in statuses:
        counts[st.classification] += 1
    n = len(statuses)
    classes = [
        {
            "value": c.value,
            "label": c.label(lang),
            "colour": CLASS_COLOURS[c],
            "ink": _text_colour(CLASS_COLOURS[c]),
            "count": counts[c],
            "share": _px(100.0 * counts[c] / n) if n else "0.0",
        }
        for c in (*OFFICIAL_ORDER, *_EXTRA_ORDER)
        if c in OFFICIAL_ORDER or counts[c]
    ]
    data, filter_units = _data(statuses, plan, lang, day)
    today = as_local(at).date()
    return {
        "lang": lang,
        "t": labels,
        "plan": plan,
        "issuer": plan.unit_name(plan.issuer),
        "issued_on": day(plan.issued_on) if plan.issued_on is not None else "",
        "progress": labels["progress"].format(day=day(today)),
        "footer": labels["footer"].format(day=day(today)),
        "unit": unit,
        "unit_name": plan.unit_name(unit) if unit else "",
        "count": n,
        "count_text": (labels["count_one"] if n == 1 else labels["count"]).format(n=n),
        "classes": classes,
        "all_colours": [
            (c.value, CLASS_COLOURS[c], _text_colour(CLASS_COLOURS[c])) for c in Classification
        ],
        "gantt": _gantt(statuses, at, width, lang),
        "label_width": LABEL_WIDTH,
        "row_height": ROW_HEIGHT,
        "graph": _graph(statuses, lang),
        "node_w": NODE_W,
        "node_h": NODE_H,
        "unit_rows": _unit_rows(tracker, at, unit, lang),
        "filter_units": filter_units,
        "states": [(s, STATE_LABELS[lang][s]) for s in STATES],
        "all_classes": [(c.value, c.label(lang)) for c in (*OFFICIAL_ORDER, *_EXTRA_ORDER)],
        "data": script_json(data),
    }


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """The Jinja2 environment: templates shipped in the package, autoescape on."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("tuyentruyen_html", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(tracker: Any, options: Mapping[str, Any]) -> str:
    """The page for ``tracker`` at ``options["at"]`` as text (what
    :class:`~tuyentruyen_html.HtmlExporter` writes, UTF-8)."""
    template = _environment().get_template("report.html.j2")
    # Hundreds of thousands of short-lived strings and tuples, none in a reference
    # cycle: the cyclic collector would only scan the caller's heap again and again.
    was_on = gc.isenabled()
    gc.disable()
    try:
        return template.render(build_context(tracker, options))
    finally:
        if was_on:
            gc.enable()
