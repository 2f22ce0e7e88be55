"""The html export opened in headless Chromium (Playwright, the system browser): it
loads clean and offline, draws what it should where it should, and its filter works."""

from __future__ import annotations

import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import attrs
import pytest
from html_testing import (
    AT,
    EXPECTED_LAYERS,
    HOSTILE,
    artifact_dir,
    big_tracker,
    expected_axis,
    expected_today_x,
    export,
    fresh_tracker,
    launched_browser,
    plan_with_edges,
    with_task,
)

from tuyentruyen import Tracker
from tuyentruyen.demo import run_demo

#: A plan title that would set window.__xss if it ever became markup.
HOSTILE_PLAN = '<img src=x onerror="window.__xss=1"><b>Kế hoạch</b> & "quoted"'

VISIBLE_BARS = """() => Array.from(document.querySelectorAll('#tt-gantt .bar'))
    .filter(b => b.checkVisibility()).map(b => b.dataset.task)"""
TABLE_ROWS = """() => Array.from(document.querySelectorAll('#tt-rows tr.r'))
    .map(r => r.dataset.task)"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Tracker:
    """The seed plan's tracker with the demo history (a fresh demo.db)."""
    return run_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def demo_html(demo: Tracker, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo exported as of 31/10/2023 17:00, in Vietnamese."""
    return export(demo, tmp_path_factory.mktemp("html") / "qn-60-nam.html")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module (skipped without it, failed on CI)."""
    with launched_browser() as b:
        yield b


@pytest.fixture
def artifacts(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Where the screenshots go (see html_testing.artifact_dir)."""
    return artifact_dir(request, tmp_path)


@dataclass
class Opened:
    """A page and what happened while it was open."""

    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def ids(self, script: str) -> list[str]:
        found: list[str] = self.page.evaluate(script)
        return found

    def count(self) -> str:
        text: str = self.page.text_content("#tt-count")
        return text


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """``open_page(path, timeout=30)``: the exported file in a fresh browser context,
    loaded through a file:// URL, its script run (``html[data-ready]``)."""
    contexts = []

    def opener(path: Path, timeout: float = 30.0) -> Opened:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page, path.resolve().as_uri())
        page.on(
            "console",
            lambda m: (
                opened.errors.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda e: opened.errors.append(f"pageerror: {e}"))
        page.on("request", lambda r: opened.requests.append(r.url))

        def dialog(d: Any) -> None:
            opened.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(opened.url, timeout=timeout * 1000, wait_until="load")
        page.wait_for_selector("html[data-ready]", state="attached", timeout=timeout * 1000)
        return opened

    yield opener
    for context in contexts:
        context.close()


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header (AssertionError if it is not a PNG)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_seed_page_loads_offline_and_clean(
    open_page: Any, demo: Tracker, demo_html: Path, artifacts: Path
) -> None:
    opened = open_page(demo_html)
    page = opened.page
    assert opened.errors == []
    assert opened.requests == [opened.url]  # the file itself, nothing else
    statuses = demo.status(at=AT)
    ids = [st.task.id for st in statuses]
    assert page.locator("#tt-gantt .bar").count() == len(statuses) == 17
    assert opened.ids(VISIBLE_BARS) == ids
    assert opened.ids(TABLE_ROWS) == ids
    assert opened.count() == "17 nhiệm vụ"
    assert page.locator("html").get_attribute("lang") == "vi"
    # The table shows each task's cells as text, the classification in its words.
    row = page.locator('#tt-rows tr[data-task="2.4"] td')
    assert row.nth(2).text_content() == "Phòng Thông tin - Tổng hợp"
    assert row.nth(6).text_content() == statuses[ids.index("2.4")].classification.label("vi")
    # The seed's one dependency (3.1 before 2.1) is drawn: two nodes, one arrow.
    assert page.locator("#tt-graph g.node").count() == 2
    assert page.locator("#tt-graph path.edge").count() == 1
    shot = artifacts / "qn-60-nam.png"
    shot.unlink(missing_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    width, height = png_size(shot)
    assert width == 1400
    assert height > 1500
    assert shot.stat().st_size > 50_000  # a drawn page, not a blank one


def test_today_line_and_bars_where_they_belong(
    open_page: Any, demo: Tracker, demo_html: Path
) -> None:
    page = open_page(demo_html).page
    axis = page.locator("#tt-axis").bounding_box()
    today = page.locator("#tt-today").bounding_box()
    expected = expected_today_x(demo.plan, AT)
    assert today["x"] - axis["x"] == pytest.approx(expected, abs=1.0)
    assert today["height"] >= 17 * 18 - 1  # the whole chart high
    _, ppd = expected_axis(demo.plan, AT)
    bar = page.locator('#tt-gantt .bar[data-task="2.4"]').bounding_box()  # May 2023
    assert bar["x"] - axis["x"] == pytest.approx(89 * ppd, abs=1.0)
    assert bar["width"] == pytest.approx(31 * ppd, abs=1.0)
    ticks = page.locator("#tt-axis .tick")
    assert ticks.count() == 9
    may = ticks.nth(3)
    assert may.text_content() == "T5/2023"
    assert may.bounding_box()["x"] == pytest.approx(bar["x"], abs=1.0)
    # Open-ended 2.2 is drawn to the plan's last day, with its end marker.
    open_bar = page.locator('#tt-gantt .bar[data-task="2.2"]')
    assert "open" in (open_bar.get_attribute("class") or "")
    end = open_bar.bounding_box()
    assert end["x"] + end["width"] - axis["x"] == pytest.approx(273 * ppd, abs=1.0)


def test_filter_by_unit(open_page: Any, demo: Tracker, demo_html: Path) -> None:
    opened = open_page(demo_html)
    page = opened.page
    page.select_option("#tt-unit", "tt-th")
    wanted = [t.id for t in demo.plan.tasks if t.lead == "tt-th" or "tt-th" in t.support]
    assert opened.ids(VISIBLE_BARS) == wanted == ["2.4", "3.2", "3.6", "3.7"]
    assert opened.ids(TABLE_ROWS) == wanted
    assert opened.count() == "4 nhiệm vụ"
    assert page.locator('#tt-gantt .bar[data-task="1.1"]').is_hidden()
    page.select_option("#tt-unit", "vh-dlxh")
    wanted = [t.id for t in demo.plan.tasks if t.lead == "vh-dlxh" or "vh-dlxh" in t.support]
    assert opened.ids(VISIBLE_BARS) == wanted
    assert opened.count() == f"{len(wanted)} nhiệm vụ"
    page.select_option("#tt-unit", "")
    assert len(opened.ids(VISIBLE_BARS)) == 17
    assert opened.count() == "17 nhiệm vụ"
    assert opened.errors == []


def test_filter_by_state_and_class(open_page: Any, demo: Tracker, demo_html: Path) -> None:
    opened = open_page(demo_html)
    page = opened.page
    statuses = demo.status(at=AT)
    page.select_option("#tt-state", "state:done")
    done = [st.task.id for st in statuses if st.state == "done"]
    assert done
    assert opened.ids(VISIBLE_BARS) == done == opened.ids(TABLE_ROWS)
    assert opened.count() == f"{len(done)} nhiệm vụ"
    page.select_option("#tt-state", "class:in_progress_on_time")
    on_time = [st.task.id for st in statuses if st.classification.value == "in_progress_on_time"]
    assert on_time
    assert opened.ids(VISIBLE_BARS) == on_time == opened.ids(TABLE_ROWS)
    # Both filters at once.
    page.select_option("#tt-unit", "tt-bc-xb")
    both = [
        st.task.id
        for st in statuses
        if st.classification.value == "in_progress_on_time"
        and (st.task.lead == "tt-bc-xb" or "tt-bc-xb" in st.task.support)
    ]
    assert opened.ids(VISIBLE_BARS) == both == opened.ids(TABLE_ROWS)
    page.select_option("#tt-state", "class:in_progress_overdue")
    assert opened.ids(VISIBLE_BARS) == []
    assert opened.count() == "0 nhiệm vụ"
    assert opened.errors == []


def test_hostile_titles_stay_text(open_page: Any, tmp_path: Path) -> None:
    plan = attrs.evolve(with_task(plan_with_edges(), "2.7", title=HOSTILE), title=HOSTILE_PLAN)
    opened = open_page(export(fresh_tracker(plan), tmp_path / "hostile.html"))
    page = opened.page
    assert opened.dialogs == []
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("document.scripts.length") == 2
    assert page.evaluate("document.images.length") == 0
    assert opened.requests == [opened.url]
    assert opened.errors == []
    assert page.text_content("h1") == HOSTILE_PLAN
    cell = page.locator('#tt-rows tr[data-task="2.7"] td').nth(1)
    assert cell.text_content() == HOSTILE
    assert cell.is_visible()
    assert cell.inner_text().startswith("<script>alert(1)</script>")  # shown as typed
    assert page.locator("h1").inner_text().startswith('<img src=x onerror="window.__xss=1">')
    tip = page.locator('#tt-graph g.node[data-task="2.7"] title').text_content()
    assert tip == f"2.7: {HOSTILE} (chưa thực hiện)"


def test_dependency_graph_drawn(open_page: Any, tmp_path: Path) -> None:
    opened = open_page(export(fresh_tracker(plan_with_edges()), tmp_path / "graph.html"))
    page = opened.page
    nodes = page.locator("#tt-graph g.node")
    assert nodes.count() == len(EXPECTED_LAYERS)
    x = {
        nodes.nth(i).get_attribute("data-task"): nodes.nth(i).bounding_box()["x"]
        for i in range(nodes.count())
    }
    for a, b in (("2.5", "2.6"), ("2.6", "2.7"), ("2.7", "3.2"), ("3.3", "2.7")):
        assert x[a] < x[b]
    assert x["2.5"] == x["3.3"] == x["3.1"]  # the roots share the first column
    assert page.locator("#tt-graph path.edge").count() == 5
    assert opened.errors == []


def test_english_page(open_page: Any, demo: Tracker, tmp_path: Path) -> None:
    opened = open_page(export(demo, tmp_path / "en.html", lang="en"))
    page = opened.page
    assert page.locator("html").get_attribute("lang") == "en"
    assert opened.count() == "17 tasks"
    page.select_option("#tt-unit", "tt-th")
    assert opened.count() == "4 tasks"
    assert page.locator('#tt-rows tr[data-task="2.4"] td').nth(5).text_content() == "done"
    assert opened.errors == []


def test_large_plan_opens(open_page: Any, tmp_path: Path, artifacts: Path) -> None:
    n = 20_000
    tracker, at = big_tracker(n)
    path = export(tracker, tmp_path / "big.html", at=at)
    started = time.perf_counter()
    opened = open_page(path, timeout=120.0)
    loaded = time.perf_counter() - started
    page = opened.page
    assert opened.errors == []
    assert opened.requests == [opened.url]
    assert page.evaluate("document.querySelectorAll('#tt-gantt .bar').length") == n
    assert opened.count() == f"{n} nhiệm vụ"
    rows = opened.ids(TABLE_ROWS)
    assert rows[0] == "n0"
    assert len(rows) < 200
    page.evaluate("() => { const w = document.getElementById('tt-tablewrap');"
                  " w.scrollTop = w.scrollHeight; }")  # fmt: skip
    page.wait_for_function(
        "() => { const r = document.querySelectorAll('#tt-rows tr.r');"
        " return r.length && r[r.length - 1].dataset.task === 'n19999'; }",
        timeout=10_000,
    )
    page.select_option("#tt-unit", "d3")
    wanted = [t.id for t in tracker.plan.tasks if t.lead == "d3" or "d3" in t.support]
    assert opened.count() == f"{len(wanted)} nhiệm vụ"
    assert opened.ids(TABLE_ROWS)[0] == wanted[0]
    visible = page.evaluate(
        "() => { let k = 0; for (const b of document.querySelectorAll('#tt-gantt .bar'))"
        " if (!b.parentNode.hidden) k++; return k; }"
    )
    assert visible == len(wanted)
    shot = artifacts / "big-20000.png"
    page.screenshot(path=str(shot))
    assert png_size(shot) == (1400, 900)
    print(f"\n20,000 tasks: {path.stat().st_size / 1e6:.1f} MB, opened in {loaded:.1f} s")
