"""Hypothesis strategies for tuyentruyen: names, time phrases, plans, plan files,
broken plan files and event sequences.

Compose them in your own property tests:

>>> from hypothesis import given, settings
>>> from tuyentruyen import Tracker
>>> from tuyentruyen.testing import strategies as tts
>>> @settings(max_examples=5, deadline=None, database=None)
... @given(tts.plans(max_tasks=4))
... def test_my_export(plan):
...     assert len(Tracker(plan).states()) == len(plan.tasks)
>>> test_my_export()

Each strategy states what it guarantees, and the kit's own tests check every
guarantee against the library:

* :func:`unit_names`, :func:`unit_name_spellings`: realistic Vietnamese unit names and
  the spellings (NFD, case, tone placement, dashes, abbreviations) that name the same
  unit.
* :func:`time_phrases` (with :func:`deadline_phrases`, :func:`date_phrases`,
  :func:`phrases_for`, :func:`bad_time_phrases`): every phrase form the parsers of
  :mod:`tuyentruyen.timeexpr` accept, each with what it means (:class:`PhraseMeaning`).
* :func:`units`, :func:`windows`, :func:`tasks`, :func:`plans`: valid plans
  (acyclic dependencies, every referenced unit exists) that shrink to few tasks.
* :func:`plan_files`: plan-file mappings written the way people write them, with the
  :class:`~tuyentruyen.model.Plan` each must load as (:class:`PlanFile`).
* :func:`invalid_plans`: plan-file mappings broken in exactly one known way, with the
  problem they must raise (:class:`InvalidPlan`).
* :func:`event_sequences`: attempted fires at increasing times, valid and invalid,
  each with the outcome the default policy gives (:class:`Fire`); :func:`event_steps`
  is the older, relative-time form (:class:`Step`).

Every strategy takes parameters or other strategies, so they compose:
``plans(units=units(min_size=1, names=st.just(...)))``,
``invalid_plans(plans(max_tasks=3), kinds=("unknown_unit",))``. Needs the ``testing``
extra (``pip install tuyentruyen[testing]``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import attrs
from hypothesis import strategies as st

from tuyentruyen.errors import (
    TuyenTruyenError,
)
from tuyentruyen.lifecycle import EVENTS, PROGRESS_RANK
from tuyentruyen.model import (
    DEPENDENCY_EVENTS,
    Dependency,
    Plan,
    ReportingRule,
    Task,
    Unit,
    Window,
)
from tuyentruyen.testing import _names, _phrases
from tuyentruyen.testing._invalid import INVALID_KINDS, InvalidPlan, invalid_plans
from tuyentruyen.testing._phrases import (
    DEADLINE_FORMS,
    FIRST_DAY,
    LAST_DAY,
    PHRASE_FORMS,
    PhraseMeaning,
    month_end,
    refuses,
)
from tuyentruyen.testing.reference import Attempt, ReferenceModel

__all__ = [
    "DEADLINE_FORMS",
    "FIRE_KINDS",
    "INVALID_KINDS",
    "PHRASE_FORMS",
    "Fire",
    "InvalidPlan",
    "PhraseMeaning",
    "PlanFile",
    "Step",
    "bad_time_phrases",
    "date_phrases",
    "deadline_phrases",
    "event_sequences",
    "event_steps",
    "invalid_plans",
    "phrases_for",
    "plan_files",
    "plans",
    "refuses",
    "tasks",
    "time_phrases",
    "unit_name_spellings",
    "unit_names",
    "units",
    "windows",
]

# --- unit names ---------------------------------------------------------------------


def unit_names(variants: bool = False) -> st.SearchStrategy[str]:
    """Realistic Vietnamese unit names.

    Without ``variants``: canonical names ("Phòng Tuyên truyền - Báo chí - Xuất bản",
    "Sở Văn hóa và Thể thao tỉnh Quảng Ninh", "Ủy ban nhân dân huyện Vân Đồn", …), in
    NFC with one tone style; two different names are two different units. With
    ``variants``: also any spelling of such a name that :mod:`tuyentruyen.names`
    matches to it (see :func:`unit_name_spellings`). Shrinks towards
    "Phòng Tuyên truyền - Báo chí - Xuất bản".
    """
    base = _names.base_names()
    if not variants:
        return base
    return base.flatmap(unit_name_spellings)


def unit_name_spellings(name: str) -> st.SearchStrategy[str]:
    """Spellings of ``name`` that must resolve to the same unit.

    Combines: the abbreviations the library expands (UBND, HĐND, MTTQ, BTGTU, TT&TT,
    CT-XH), the other tone placement ("hóa"/"hoá", "Ủy"/"Uỷ", "thủy"/"thuỷ"), other
    dashes and spaces around " - ", more or odd whitespace, upper/lower/title case,
    surrounding blanks and a trailing full stop, NFD. Shrinks to ``name`` itself.

    >>> from hypothesis import given, settings
    >>> from tuyentruyen.names import normalize_name
    >>> @settings(max_examples=20, deadline=None, database=None)
    ... @given(unit_name_spellings("Ủy ban nhân dân tỉnh"))
    ... def test_spelling(spelling):
    ...     assert normalize_name(spelling) == normalize_name("Ủy ban nhân dân tỉnh")
    >>> test_spelling()
    """
    return _names.spellings_of(name)


# --- time phrases ---------------------------------------------------------------------


def time_phrases(
    forms: Sequence[str] = PHRASE_FORMS,
    *,
    ongoing: bool | None = None,
    first: date = FIRST_DAY,
    last: date = LAST_DAY,
    dressed: bool = True,
) -> st.SearchStrategy[tuple[str, PhraseMeaning]]:
    """``(phrase, meaning)``: a time phrase of one of ``forms`` and what it means.

    ``forms`` are names from :data:`PHRASE_FORMS` (all of them by default: whole months,
    month ranges with or without the start's year ("từ tháng 3-5/2025"), open month
    and year windows, dates in every spelling — ``15/9/2023``, ``15-09-2023``,
    ``15.9.2023``, ISO, with or without "ngày" —, day ranges (the start without its
    year: "Từ ngày 1-1 đến 25-12-2017"), open day windows, "trước ngày …", quarters
    ("Quý III/2024"), half years ("6 tháng đầu năm 2024"), years ("Năm 2024"),
    "đến"/"tới"/"-", "hết", and "Thường xuyên" or "hằng tháng"/"hàng quý" alone or
    before any of them). ``ongoing`` forces (or forbids) the ongoing prefix (the forms
    "ongoing" and "periodic" are always ongoing); ``first``/``last`` bound the dates
    named (the parser takes 1900-2200; a month, quarter, half-year or year phrase means
    the whole period, which may run past ``last``).
    ``dressed`` adds what people type: odd case, NFD, extra spaces, a trailing full stop.

    The meaning says what each parser returns (:class:`PhraseMeaning`): every phrase
    is a window phrase; ``meaning.deadline`` / ``meaning.day`` are ``None`` when
    ``parse_deadline`` / ``parse_date`` must refuse it.

    >>> from hypothesis import given, settings
    >>> from tuyentruyen.timeexpr import parse_window
    >>> @settings(max_examples=20, deadline=None, database=None)
    ... @given(time_phrases())
    ... def test_phrase(case):
    ...     phrase, meaning = case
    ...     parsed = parse_window(phrase)
    ...     assert (parsed.window, parsed.ongoing) == (meaning.window, meaning.ongoing)
    >>> test_phrase()
    """
    return _phrases.time_phrases(forms, ongoing=ongoing, first=first, last=last, dressed=dressed)


def deadline_phrases(
    *, first: date = FIRST_DAY, last: date = LAST_DAY
) -> st.SearchStrategy[tuple[str, PhraseMeaning]]:
    """Phrases that are deadlines (one day; one month, quarter, half year or year;
    "đến hết …" or "trước ngày …"): every
    ``meaning.deadline`` is a date, what ``parse_deadline`` returns."""
    return time_phrases(DEADLINE_FORMS, ongoing=False, first=first, last=last)


def date_phrases(
    *, first: date = FIRST_DAY, last: date = LAST_DAY
) -> st.SearchStrategy[tuple[str, PhraseMeaning]]:
    """Phrases that are one calendar date: every ``meaning.day`` is what
    ``parse_date`` returns."""
    return time_phrases(("day",), ongoing=False, first=first, last=last)


def phrases_for(window: Window, ongoing: bool = False) -> st.SearchStrategy[str]:
    """Phrases that ``parse_window`` reads as exactly ``(window, ongoing)``.

    Raises ``ValueError`` if no phrase can say it (a window with neither start nor end
    that is not ongoing, or one that ends before it starts).
    """
    if not _phrases.forms_for(window, ongoing):
        raise ValueError(f"no phrase says {window!r} (ongoing={ongoing})")
    return _phrases.phrases_for(window, ongoing)


def bad_time_phrases() -> st.SearchStrategy[str]:
    """Phrases every parser must refuse with ``TimePhraseError``: no year, month 13,
    31 February, a window that ends before it starts, "Quý V/2024", "6 tháng giữa
    năm 2024", plain words."""
    return _phrases.bad_phrases()


# --- units, windows, tasks, plans ------------------------------------------------------


def units(
    min_size: int = 2,
    max_size: int = 6,
    names: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[tuple[Unit, ...]]:
    """A unit table: ids ``u0``, ``u1``, …, distinct names from ``names``
    (:func:`unit_names` by default). With your own ``names``, give names that are
    different units (not two spellings of one)."""
    table = st.lists(
        unit_names() if names is None else names,
        min_size=min_size,
        max_size=max_size,
        unique=True,
    )
    return table.map(lambda found: tuple(Unit(id=f"u{i}", name=n) for i, n in enumerate(found)))


_WINDOW_KINDS = st.sampled_from(("months", "days", "open_end", "open_start", "none"))
_BOOLEANS = st.booleans()
_MONTHS = st.integers(1, 12)
_DAYS = st.integers(1, 28)
_SPANS = st.integers(0, 400)
_NEXT_YEAR = st.integers(0, 1)
_ONE_IN_8 = st.integers(0, 7)
_ONE_IN_6 = st.integers(0, 5)


def windows(min_year: int = 2022, max_year: int = 2025) -> st.SearchStrategy[tuple[Window, bool]]:
    """``(window, ongoing)``: whole-month windows, day windows and open ends, starting
    in ``min_year``-``max_year``. Shrinks to January of ``min_year``, not ongoing (one
    window in eight is that one)."""
    years = st.integers(min_year, max_year)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Window, bool]:
        if draw(_ONE_IN_8) == 0:  # the simplest window, in one choice: shrinks fast
            return Window(date(min_year, 1, 1), month_end(min_year, 1)), False
        year = draw(years)
        kind = draw(_WINDOW_KINDS)
        ongoing = draw(_BOOLEANS)
        if kind == "none":
            return Window(None, None), True
        m1 = draw(_MONTHS)
        if kind in ("months", "open_end", "open_start"):
            m2 = draw(st.integers(m1, 12))
            start = date(year, m1, 1)
            end = month_end(year + draw(_NEXT_YEAR), m2)
        else:
            start = date(year, m1, draw(_DAYS))
            end = start + timedelta(days=draw(_SPANS))
        if kind == "open_end":
            return Window(start, None), ongoing
        if kind == "open_start":
            return Window(None, end), ongoing
        return Window(start, end), ongoing

    return build()


#: States a dependency may require ("planned" always holds; the checks refuse it).
_REQUIRABLE = tuple(s for s in PROGRESS_RANK if s != "planned")
#: Dependencies of a draft task in :func:`plans`: on the task 1, 2 or 3 places back.
_BACK = ("1", "2", "3")
#: Guarded-event sets, simplest first.
_GUARDS = (("start",), ("start", "report"), ("issue",), ("report", "accept"), DEPENDENCY_EVENTS)
_TITLES = (
    "Nhiệm vụ",
    "Tuyên truyền trên báo chí",
    "Tổ chức tọa đàm khoa học",
    "Triển lãm ảnh",
    "Xuất bản ấn phẩm",
    "Tuyên truyền trực quan",
    "Hội thi tìm hiểu",
)
_STATES = st.sampled_from(_REQUIRABLE)
_GUARD_SETS = st.sampled_from(_GUARDS)
_TITLE_CHOICES = st.sampled_from(_TITLES)
_PERCENT = st.integers(0, 99)
_DEFAULT_WINDOWS = windows()


def _ids_of(units: Iterable[Unit | str]) -> tuple[str, ...]:
    return tuple(u if isinstance(u, str) else u.id for u in units)


def tasks(
    units: Sequence[Unit | str],
    *,
    task_id: str = "1",
    depends_on: Sequence[str] = (),
    dependency_density: float = 0.3,
    windows: st.SearchStrategy[tuple[Window, bool]] | None = None,
    titles: st.SearchStrategy[str] | None = None,
    plan_dues: st.SearchStrategy[date | None] | None = None,
) -> st.SearchStrategy[Task]:
    """A task on ``units`` (units or unit ids): lead and up to two support units among
    them, a window (``windows``, :func:`windows` by default), maybe a plan-due date, and
    dependencies on some of ``depends_on`` (ids of other tasks; each of up to three
    candidates is kept with probability ``dependency_density``; one task in six is
    plain: first unit, nothing but its window). ``titles`` and ``plan_dues`` replace
    the default titles ("Nhiệm vụ 1", "Triển lãm ảnh 1", …) and plan-due dates (a
    month end of 2023, or none). Shrinks to such a plain task with the simplest
    window."""
    ids = _ids_of(units)
    if not ids:
        raise ValueError("tasks() needs at least one unit")
    leads = st.sampled_from(ids)
    supports = st.lists(leads, max_size=2, unique=True)
    window_choices = _DEFAULT_WINDOWS if windows is None else windows
    keep = round((1 - dependency_density) * 100)  # a percentage draw >= keep: a dependency
    candidates = (
        st.lists(st.sampled_from(tuple(depends_on)), max_size=min(len(depends_on), 3))
        if depends_on and dependency_density > 0
        else st.just([])
    )

    @st.composite
    def build(draw: st.DrawFn) -> Task:
        window, ongoing = draw(window_choices)
        if draw(_ONE_IN_6) == 0:  # a plain task in one more choice: deleted easily
            return Task(
                id=task_id,
                title=f"{_TITLES[0]} {task_id}" if titles is None else draw(titles),
                lead=ids[0],
                window=window,
                ongoing=ongoing,
            )
        deps: dict[str, Dependency] = {}
        for target in draw(candidates):
            if target not in deps and draw(_PERCENT) >= keep:
                deps[target] = Dependency(target, draw(_STATES), draw(_GUARD_SETS))
        if plan_dues is None:
            plan_due = month_end(2023, draw(_MONTHS)) if draw(_BOOLEANS) else None
        else:
            plan_due = draw(plan_dues)
        title = f"{draw(_TITLE_CHOICES)} {task_id}" if titles is None else draw(titles)
        return Task(
            id=task_id,
            title=title,
            lead=draw(leads),
            support=tuple(draw(supports)),
            plan_due=plan_due,
            window=window,
            ongoing=ongoing,
            depends_on=tuple(deps.values()),
        )

    return build()


_DEFAULT_UNITS = units()
_REPORT_DAYS = st.integers(1, 31)
_CADENCES = st.sampled_from(("month", "quarter"))
#: Unit slots of draft tasks in :func:`plans`.
_SLOTS = tuple(str(i) for i in range(8))
_SLOT_CHOICES = st.sampled_from(_SLOTS)
_REPORTERS = st.lists(_SLOT_CHOICES, max_size=3, unique=True)


def plans(
    min_tasks: int = 1,
    max_tasks: int = 8,
    dependency_density: float = 0.3,
    *,
    units: st.SearchStrategy[tuple[Unit, ...]] | None = None,
    windows: st.SearchStrategy[tuple[Window, bool]] | None = None,
    titles: st.SearchStrategy[str] | None = None,
    plan_dues: st.SearchStrategy[date | None] | None = None,
) -> st.SearchStrategy[Plan]:
    """A valid plan: a unit table (``units``, :func:`units` by default), tasks ``1`` …
    ``n`` (:func:`tasks`, given ``dependency_density``, ``windows``, ``titles`` and
    ``plan_dues``; each depends only on earlier ones, so the graph is acyclic), an
    issuer and a reporting rule (monthly or quarterly, from some or all units) to units
    of the table.

    Tasks are drawn as a list, each dependency as "the task k places back" (clipped
    to the first task), so deleting a task keeps the plan valid and a failing plan
    shrinks to the fewest tasks that still fail, each with the simplest window and no
    extras: a plan that fails "because some task has a dependency" shrinks to two
    tasks, ``2`` depending on ``1``.
    """
    tables = _DEFAULT_UNITS if units is None else units
    # Built once: drafts name units by slot ("0".."7", taken modulo the table's size)
    # and dependencies by how many places back, so they need no table to be drawn.
    drafts = st.lists(
        tasks(
            _SLOTS,
            task_id="#",
            depends_on=_BACK,
            dependency_density=dependency_density,
            windows=windows,
            titles=titles,
            plan_dues=plan_dues,
        ),
        min_size=min_tasks,
        max_size=max_tasks,
    )

    @st.composite
    def build(draw: st.DrawFn) -> Plan:
        table = draw(tables)
        if not table:
            raise ValueError("plans() needs a unit table with at least one unit")
        made = draw(drafts)
        issuer, receiver = draw(_SLOT_CHOICES), draw(_SLOT_CHOICES)
        rule = ReportingRule(
            to=receiver,
            every=draw(_CADENCES),
            day=draw(_REPORT_DAYS),
            from_=tuple(draw(_REPORTERS)),
        )
        return _assemble(table, made, issuer, rule, titles is None)

    return build()


def _assemble(
    table: tuple[Unit, ...], drafts: list[Task], issuer: str, rule: ReportingRule, numbered: bool
) -> Plan:
    """The plan of ``drafts``: slots become unit ids, "k places back" task ids, and
    (if ``numbered``) titles end with the task id."""
    ids = _ids_of(table)

    def unit(slot: str) -> str:
        return ids[int(slot) % len(ids)]

    made: list[Task] = []
    for i, draft in enumerate(drafts):
        task_id = str(i + 1)
        deps: dict[str, Dependency] = {}
        for dep in draft.depends_on if i else ():
            target = str(max(i - int(dep.task), 0) + 1)
            deps.setdefault(target, attrs.evolve(dep, task=target))
        made.append(
            attrs.evolve(
                draft,
                id=task_id,
                title=draft.title.removesuffix("#") + task_id if numbered else draft.title,
                lead=unit(draft.lead),
                support=tuple(dict.fromkeys(unit(u) for u in draft.support)),
                depends_on=tuple(deps.values()),
            )
        )
    return Plan(
        id="p",
        title="Kế hoạch thử nghiệm",
        issuer=unit(issuer),
        units=table,
        tasks=tuple(made),
        reporting=(
            attrs.evolve(
                rule,
                to=unit(rule.to),
                from_=tuple(dict.fromkeys(unit(u) for u in rule.from_)),
            ),
        ),
    )


# --- plan files -----------------------------------------------------------------------


@attrs.frozen
class PlanFile:
    """A plan-file mapping (what :func:`~tuyentruyen.io.plan_from_dict` takes, and
    what a YAML file holds) and the plan it must load as."""

    data: dict[str, Any]
    plan: Plan


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _other_ids(plan: Plan, unit: Unit) -> set[str]:
    return {u.id.casefold() for u in plan.units if u.id != unit.id}


@st.composite
def _unit_ref(draw: st.DrawFn, plan: Plan, unit_id: str) -> str:
    """How a plan file may name the unit ``unit_id``: its id, or a spelling of its
    name, short name or an alias (never one that reads as another unit's id)."""
    unit = plan.unit_index[unit_id]
    names = [unit.name, *((unit.short,) if unit.short else ()), *unit.aliases]
    choice = draw(st.integers(0, len(names)))
    if choice == 0:
        return unit.id
    spelling = draw(unit_name_spellings(names[choice - 1]))
    if unicodedata.normalize("NFC", spelling).strip().casefold() in _other_ids(plan, unit):
        return unit.id
    return spelling


@st.composite
def _date_value(draw: st.DrawFn, day: date, phrases: bool) -> Any:
    """A date as a plan file may hold it: ISO text, a YAML date, or a date phrase."""
    kind = draw(st.integers(0, 2 if phrases else 1))
    if kind == 0:
        return day.isoformat()
    if kind == 1:
        return day
    return draw(_phrases.time_phrases(("day",), ongoing=False, first=day, last=day))[0]


@st.composite
def _task_entry(draw: st.DrawFn, plan: Plan, task: Task) -> tuple[dict[str, Any], Task]:
    entry: dict[str, Any] = {"id": task.id, "title": task.title}
    entry["lead"] = draw(_unit_ref(plan, task.lead))
    for key in ("section", "content", "support_other"):
        value = getattr(task, key)
        if value:
            entry[key] = list(value) if isinstance(value, tuple) else value
    if len(task.support) > 0 or draw(st.booleans()):
        entry["support"] = [draw(_unit_ref(plan, u)) for u in task.support]
    expected = task
    w = task.window
    if len(_phrases.forms_for(w, task.ongoing)) > 0 and draw(st.booleans()):
        phrase = draw(_phrases.phrases_for(w, task.ongoing))
        entry["window"] = phrase
        if task.window_text is None:
            expected = attrs.evolve(
                expected, window_text=unicodedata.normalize("NFC", phrase).strip()
            )
        if draw(st.booleans()):
            entry["ongoing"] = task.ongoing
    elif w != Window() or draw(st.booleans()):
        entry["window"] = {
            "start": None if w.start is None else draw(_date_value(w.start, True)),
            "end": None if w.end is None else draw(_date_value(w.end, True)),
        }
        entry["ongoing"] = task.ongoing
    elif task.ongoing:
        entry["ongoing"] = True
    if task.window_text is not None:
        entry["window_text"] = task.window_text
    if task.plan_due is not None:
        if draw(st.booleans()):
            due = draw(_phrases.deadline_phrases_for(task.plan_due))
            entry["plan_due"] = due
            # An ISO date is a date, not a phrase: no text is kept for it.
            if task.plan_due_text is None and not _ISO.fullmatch(due.strip()):
                expected = attrs.evolve(
                    expected, plan_due_text=unicodedata.normalize("NFC", due).strip()
                )
        else:
            entry["plan_due"] = draw(_date_value(task.plan_due, False))
    if task.plan_due_text is not None:
        entry["plan_due_text"] = task.plan_due_text
    if task.depends_on:
        deps: list[Any] = []
        for dep in task.depends_on:
            short = dep.state == "issued" and dep.events == ("start",)
            if short and draw(st.booleans()):
                deps.append(dep.task)
            else:
                deps.append({"task": dep.task, "state": dep.state, "events": list(dep.events)})
        entry["depends_on"] = deps
    return entry, expected


@st.composite
def plan_files(draw: st.DrawFn, plans: st.SearchStrategy[Plan] | None = None) -> PlanFile:
    """A plan-file mapping for a plan from ``plans`` (:func:`plans` by default), written
    as people write it, and the :class:`~tuyentruyen.model.Plan` it must load as.

    Unit references (issuer, lead, support, reporting) are ids or any spelling of a
    unit's name (:func:`unit_name_spellings`); windows are phrases (:func:`phrases_for`)
    or ``{start, end}`` mappings whose ends are ISO text, dates or date phrases;
    plan-due dates are ISO text, dates or deadline phrases; dependencies that use the
    defaults may be a bare task id. Loading the mapping must give ``plan`` exactly,
    except that a phrase is kept as written (``window_text``, ``plan_due_text``), as
    the loader does; :attr:`PlanFile.plan` includes that.

    >>> from hypothesis import given, settings
    >>> from tuyentruyen.io import plan_from_dict
    >>> @settings(max_examples=10, deadline=None, database=None)
    ... @given(plan_files())
    ... def test_load(case):
    ...     assert plan_from_dict(case.data) == case.plan
    >>> test_load()
    """
    from tuyentruyen.io import plan_to_dict

    plan = draw(_plans_strategy() if plans is None else plans)
    data = plan_to_dict(plan)
    data["issuer"] = draw(_unit_ref(plan, plan.issuer))
    entries: list[dict[str, Any]] = []
    loaded: list[Task] = []
    for task in plan.tasks:
        entry, expected = draw(_task_entry(plan, task))
        entries.append(entry)
        loaded.append(expected)
    data["tasks"] = entries
    rules = []
    for rule in data.get("reporting", []):
        rule = dict(rule)
        rule["to"] = draw(_unit_ref(plan, rule["to"]))
        rule["from"] = [draw(_unit_ref(plan, u)) for u in rule.get("from", [])]
        rules.append(rule)
    data["reporting"] = rules
    return PlanFile(data, attrs.evolve(plan, tasks=tuple(loaded)))


# --- events ---------------------------------------------------------------------------


@attrs.frozen
class Step:
    """One attempted fire: may be valid or not."""

    task: str
    event: str
    actor: str
    #: Minutes after the previous step (negative: a clock going backwards).
    minutes: int
    final: bool | None = None
    note: str | None = None


@st.composite
def event_steps(draw: st.DrawFn, plan: Plan, max_size: int = 40) -> list[Step]:
    """Sequences of attempted fires on ``plan``: mostly plausible actors and forward time,
    sometimes wrong actors, unknown events on real tasks, or time going backwards.

    The older, relative-time form of :func:`event_sequences`."""
    task_ids = [t.id for t in plan.tasks]
    unit_ids = [u.id for u in plan.units]
    steps = []
    for _ in range(draw(st.integers(0, max_size))):
        task = plan.task(draw(st.sampled_from(task_ids)))
        event = draw(st.sampled_from(EVENTS))
        right = ReferenceModel(plan).allowed_actors(task.id, event)[0]
        actor = draw(st.one_of(st.just(right), st.just(right), st.sampled_from(unit_ids)))
        minutes = draw(st.one_of(st.integers(0, 60 * 24 * 20), st.integers(-60 * 24 * 20, -1)))
        final = draw(st.none() | st.booleans()) if event == "report" else None
        note = "lý do" if event == "cancel" and draw(st.booleans()) else None
        steps.append(Step(task.id, event, actor, minutes, final, note))
    return steps


#: Kinds of step :func:`event_sequences` can aim for.
FIRE_KINDS = ("valid", "blocked", "wrong_actor", "wrong_order", "unknown_event", "no_reason")


@attrs.frozen
class Fire:
    """One attempted fire at an absolute time, and what the tracker must answer.

    ``expected`` is ``None`` if the fire must be accepted, else the error class it must
    raise — under the default policy, no plugins, and a clock at or after ``at``.
    ``kind`` is what the generator aimed for (one of ``FIRE_KINDS``).
    """

    task: str
    event: str
    actor: str
    #: When (naive: plan-local time, ``Asia/Ho_Chi_Minh``).
    at: datetime
    final: bool | None = None
    note: str | None = None
    kind: str = "valid"
    expected: type[TuyenTruyenError] | None = None

    def kwargs(self) -> dict[str, Any]:
        """The keyword arguments of :meth:`tuyentruyen.Tracker.fire` for this fire."""
        return {"actor": self.actor, "at": self.at, "final": self.final, "note": self.note}


_STRANGERS = ("Phòng Không Tồn Tại", "Ban Vô Danh")
_UNKNOWN_EVENTS = ("approve", "close", "reopen", "ban hành")


@st.composite
def event_sequences(
    draw: st.DrawFn,
    plan: Plan,
    *,
    min_size: int = 0,
    max_size: int = 40,
    start: datetime = datetime(2023, 1, 2, 8, 0),
    max_gap: timedelta = timedelta(days=3),
    strictly_increasing: bool = True,
    kinds: Sequence[str] = FIRE_KINDS,
) -> list[Fire]:
    """Attempted fires on ``plan`` at increasing times from ``start``, each with the
    answer the tracker must give (:attr:`Fire.expected`).

    ``kinds`` chooses what the steps aim for (:data:`FIRE_KINDS`): ``valid`` (a possible
    event by the right unit; accepted), ``blocked`` (an event a dependency still
    guards), ``wrong_actor``, ``wrong_order`` (an event the state does not allow),
    ``unknown_event``, ``no_reason`` (cancel without a note); each kind always gets its
    own answer (``valid``: ``None``, ``blocked``: ``DependencyNotMet``, ``wrong_actor``:
    ``NotPermitted``, ``wrong_order``: ``InvalidTransition``, ``unknown_event`` and
    ``no_reason``: ``EventError``). A kind with no candidate at that point falls back:
    ``blocked`` and ``no_reason`` to ``valid``, ``valid`` and ``wrong_actor`` (once
    every task is final) to ``wrong_order``; so ``kinds=("valid",)`` gives accepted
    fires only, until every task is done or cancelled.
    Times grow by up to ``max_gap`` (at least a second when ``strictly_increasing``),
    so fire them with a clock at or after the last one. Shrinks to fewer, valid steps.
    """
    unknown = set(kinds) - set(FIRE_KINDS)
    if unknown or not kinds:
        raise ValueError(f"unknown kinds {sorted(unknown)}; use {FIRE_KINDS}")
    model = ReferenceModel(plan, allow_future=True)
    unit_ids = [u.id for u in plan.units]
    at = start
    fires: list[Fire] = []
    gap = int(max_gap.total_seconds())
    for _ in range(draw(st.integers(min_size, max_size))):
        at += timedelta(seconds=draw(st.integers(1 if strictly_increasing else 0, max(gap, 1))))
        kind = draw(st.sampled_from(tuple(kinds)))
        possible = [(t, e) for t in plan.tasks for e in model.possible(t.id)]
        open_ = [(t, e) for t, e in possible if not model.blocked(t.id, e, at)]
        blocked = [(t, e) for t, e in possible if model.blocked(t.id, e, at)]
        impossible = [(t, e) for t in plan.tasks for e in EVENTS if e not in model.possible(t.id)]
        if kind == "blocked" and not blocked:
            kind = "valid"
        if kind == "no_reason" and not any(e == "cancel" for _, e in open_):
            kind = "valid"
        if kind == "valid" and not open_:
            kind = "wrong_order" if impossible else "unknown_event"
        if kind == "wrong_actor" and not possible:
            kind = "wrong_order" if impossible else "unknown_event"
        if kind == "wrong_order" and not impossible:
            kind = "unknown_event"
        note: str | None = None
        if kind in ("valid", "wrong_actor"):
            task, event = draw(st.sampled_from(open_ or possible))
        elif kind == "blocked":
            task, event = draw(st.sampled_from(blocked))
        elif kind == "no_reason":
            task, event = draw(st.sampled_from([(t, e) for t, e in open_ if e == "cancel"]))
        elif kind == "wrong_order":
            task, event = draw(st.sampled_from(impossible))
        else:
            task, event = draw(st.sampled_from(plan.tasks)), draw(st.sampled_from(_UNKNOWN_EVENTS))
        allowed = model.allowed_actors(task.id, event) if event in EVENTS else (task.lead,)
        actor = draw(st.sampled_from(allowed))
        if kind == "wrong_actor":
            others = [u for u in unit_ids if u not in allowed]
            actor = draw(st.sampled_from(others or list(_STRANGERS)))
        if event == "cancel" and kind != "no_reason":
            note = draw(st.sampled_from(("lý do", "Không còn phù hợp")))
        final = draw(st.none() | st.booleans()) if event == "report" else None
        fire = Fire(task.id, event, actor, at, final, note, kind)
        attempt = Attempt(task.id, event, actor, at=at, note=note, final=final)
        fire = attrs.evolve(fire, expected=model.expect(attempt, at))
        if fire.expected is None:
            model.apply(attempt, at)
        fires.append(fire)
    return fires


# Defaults of parameters that share these names.
_plans_strategy = plans
