"""Importing realistic plan documents: each against the plan a careful person extracts.

Three documents in three styles (tests/data/import/):

* ``ubnd-chuyen-doi-so-2024.md`` - a state body (UBND tỉnh) plan in Markdown, tasks with
  labelled lines ("- Đơn vị chủ trì: …");
* ``btgtu-50-nam-thong-nhat.txt`` - a Party body (Ban Tuyên giáo Tỉnh ủy) plan as plain
  text copied from a PDF, tasks in prose ("X chủ trì, phối hợp với Y …") and units as
  headings with their tasks under them;
* a DOCX built here with python-docx (:func:`build_docx`): a header table, paragraphs with
  bold numbering and a task table STT | Nội dung | Đơn vị chủ trì | Đơn vị phối hợp |
  Thời gian thực hiện.

Each has its expected plan next to it (a plan file; its header comment says what a
careful person extracts and why). Every document is imported twice: with the expected
plan's units (``units=``, as ``--units FILE`` does) so that ids must match, and without,
where units are compared by name. Each aspect (ids, titles, leads, windows, …) is its own
test, so a failure names what the importer got wrong, task by task.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from clirun import cli
from tuyentruyen import Plan, Task, load_plan, plan_from_dict
from tuyentruyen.importer import ImportResult, import_document
from tuyentruyen.importer.report import Finding
from tuyentruyen.names import normalize_name

DATA = Path(__file__).resolve().parent / "data" / "import"


# --- the DOCX document -------------------------------------------------------------------


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


#: Rows of the DOCX task table: STT, Nội dung (paragraphs), chủ trì, phối hợp
#: (paragraphs), thời gian.
DOCX_ROWS: list[tuple[str, list[str], str, list[str], str]] = [
    (
        "1",
        [
            "Tuyên truyền về an toàn thông tin mạng trên báo chí",
            "- Xây dựng chuyên mục “An toàn thông tin” trên Báo Hà Tĩnh, "
            "Đài Phát thanh - Truyền hình tỉnh.",
            "- Đăng tải tin, bài cảnh báo các hình thức lừa đảo trực tuyến.",
        ],
        "Phòng Thông tin - Báo chí - Xuất bản",
        ["Báo Hà Tĩnh;", _nfd("Đài Phát thanh - Truyền hình tỉnh")],
        "Thường xuyên",
    ),
    (
        "2",
        [
            "Tổ chức Hội nghị phổ biến kiến thức an toàn thông tin cho cán bộ, công chức "
            "các sở, ban, ngành"
        ],
        "Phòng Công nghệ thông tin",
        ["Văn phòng Uỷ ban nhân dân tỉnh; các sở, ban, ngành"],
        "Quý I/2024",
    ),
    (
        "3",
        ["Tổ chức các hoạt động hưởng ứng Ngày An toàn thông tin Việt Nam"],
        "Phòng Công nghệ thông tin",
        [
            "Trung tâm Công nghệ thông tin và Truyền thông;",
            "Công an tỉnh;",
            "UBND các huyện, thị xã, thành phố",
        ],
        "Tháng 11/2024",
    ),
    (
        "4",
        ["Tuyên truyền kỹ năng an toàn trên không gian mạng cho học sinh, sinh viên"],
        "Sở Giáo dục và Đào tạo",
        ["Tỉnh đoàn Hà Tĩnh, Trung tâm Công nghệ thông tin và Truyền thông"],
        "Từ tháng 6 đến tháng 8/2024",
    ),
    (
        "5",
        ["Diễn tập thực chiến bảo đảm an toàn thông tin mạng"],
        "Trung tâm Công nghệ thông tin và Truyền thông",
        ["Công an tỉnh; Bộ Chỉ huy Quân sự tỉnh"],
        "Trước ngày 30/6/2024",
    ),
    (
        "6",
        ["Biên soạn, phát hành tài liệu hướng dẫn nhận diện tin giả, tin sai sự thật"],
        "Phòng Thông tin - Báo chí - Xuất bản",
        ["Văn phòng UBND tỉnh;", "Đài Phát thanh – Truyền hình tỉnh"],
        "6 tháng đầu năm 2024",
    ),
    (
        "7",
        ["Ứng cứu, xử lý và thông tin kịp thời về sự cố an toàn thông tin mạng"],
        "Trung tâm Công nghệ thông tin và Truyền thông",
        ["Công an tỉnh; các cơ quan, đơn vị liên quan"],
        "Khi có sự cố xảy ra",
    ),
    (
        "8",
        ["Tổng hợp, báo cáo kết quả tuyên truyền về an toàn thông tin mạng"],
        "Văn phòng Sở",
        ["Các phòng, đơn vị thuộc Sở"],
        "Hằng tháng",
    ),
]


def build_docx(path: Path) -> Path:
    """Write the Sở TT&TT plan as a Word document, the way such plans are typed."""
    import docx  # python-docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()

    def para(text: str = "", *, bold: bool = False, italic: bool = False, center: bool = False):  # type: ignore[no-untyped-def]
        p = document.add_paragraph()
        if text:
            run = p.add_run(text)
            run.bold = bold
            run.italic = italic
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return p

    def numbered(number: str, text: str) -> None:
        p = document.add_paragraph()
        p.add_run(number).bold = True
        p.add_run(" " + text)

    # The header: a borderless two-column table, as in nearly every Word kế hoạch.
    header = document.add_table(rows=3, cols=2)
    left = ["UBND TỈNH HÀ TĨNH", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số: 12/KH-STTTT"]
    right = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Tĩnh, ngày 22 tháng 01 năm 2024",
    ]
    for row, (a, b) in enumerate(zip(left, right, strict=True)):
        header.cell(row, 0).text = a
        header.cell(row, 1).text = b
    header.cell(1, 0).paragraphs[0].runs[0].bold = True
    header.cell(2, 1).paragraphs[0].runs[0].italic = True

    para()
    para("KẾ HOẠCH", bold=True, center=True)
    para(
        "Thông tin, tuyên truyền về bảo đảm an toàn thông tin mạng năm 2024",
        bold=True,
        center=True,
    )
    para("Căn cứ Luật An toàn thông tin mạng số 86/2015/QH13 ngày 19/11/2015;")
    para(
        "Căn cứ Kế hoạch số 512/KH-UBND ngày 20/12/2023 của UBND tỉnh về chuyển đổi số "
        "tỉnh Hà Tĩnh năm 2024;"
    )
    para("Sở Thông tin và Truyền thông ban hành Kế hoạch với các nội dung sau:")
    para("I. MỤC ĐÍCH, YÊU CẦU", bold=True)
    numbered(
        "1.",
        "Nâng cao nhận thức, kỹ năng bảo đảm an toàn thông tin mạng cho cán bộ, công chức, "
        "viên chức và người dân; góp phần xây dựng môi trường mạng lành mạnh, an toàn.",
    )
    numbered(
        "2.",
        "Nội dung tuyên truyền chính xác, kịp thời, dễ hiểu; hình thức đa dạng, phù hợp "
        "với từng nhóm đối tượng.",
    )
    para("II. NHIỆM VỤ CỤ THỂ", bold=True)

    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    titles = ["STT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện"]
    for cell, title in zip(table.rows[0].cells, titles, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(title).bold = True
    for number, content, lead, support, when in DOCX_ROWS:
        cells = table.add_row().cells
        cells[0].text = number
        cells[1].text = content[0]
        for extra in content[1:]:
            cells[1].add_paragraph(extra)
        cells[2].text = lead
        cells[3].text = support[0]
        for extra in support[1:]:
            cells[3].add_paragraph(extra)
        cells[4].text = when

    para("III. TỔ CHỨC THỰC HIỆN", bold=True)
    numbered(
        "1.",
        "Các phòng, đơn vị thuộc Sở: Căn cứ nhiệm vụ được giao, chủ động triển khai thực "
        "hiện; báo cáo kết quả thực hiện về Văn phòng Sở trước ngày 20 hằng tháng để tổng hợp.",
    )
    numbered(
        "2.",
        "Văn phòng Sở: Theo dõi, đôn đốc, tổng hợp kết quả, báo cáo Giám đốc Sở và UBND tỉnh.",
    )
    para("Nơi nhận:", bold=True, italic=True)
    for line in [
        "- UBND tỉnh (b/c);",
        "- Giám đốc, các Phó Giám đốc Sở;",
        "- Các phòng, đơn vị thuộc Sở;",
        "- Lưu: VT, TTBCXB.",
    ]:
        para(line)
    para("GIÁM ĐỐC", bold=True)
    para()
    para("Đặng Quốc Vinh", bold=True)
    document.save(str(path))
    return path


# --- the documents and what each must give -----------------------------------------------


@dataclass(frozen=True)
class Doc:
    """A document, its expected plan and the findings its import report must hold."""

    key: str
    expected: str
    source: str | None = None  # a file in DATA; None: built by ``build``
    build: Callable[[Path], Path] | None = None
    fmt: str | None = None
    #: (typo as written, the spelling it is a typo of)
    typo: tuple[str, str] | None = None
    #: a time phrase the importer must keep verbatim and report
    phrase: str | None = None
    #: spellings in the document that must become one unit: expected id -> spellings
    merges: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lines_known: bool = True  # DOCX: "lines" are the reader's own numbering


DOCS: dict[str, Doc] = {
    "ubnd-md": Doc(
        key="ubnd-md",
        source="ubnd-chuyen-doi-so-2024.md",
        expected="ubnd-chuyen-doi-so-2024.yaml",
        typo=("Sở Thông tin và Truyền thống", "Sở Thông tin và Truyền thông"),
        phrase="Theo hướng dẫn của Bộ Thông tin và Truyền thông",
        merges={
            "mttq-tinh": ("Ủy ban MTTQ tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh", "Uỷ ban MTTQ tỉnh"),
            "vp-ubnd": ("Văn phòng UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
            "tinh-doan": ("Tỉnh đoàn Thái Bình", "Tỉnh Đoàn Thái Bình"),
            "so-vhttdl": (_nfd("Sở Văn hóa, Thể thao và Du lịch"),),
        },
    ),
    "btgtu-txt": Doc(
        key="btgtu-txt",
        source="btgtu-50-nam-thong-nhat.txt",
        expected="btgtu-50-nam-thong-nhat.yaml",
        typo=("Hội Liên hiệp Phụ nử tỉnh", "Hội Liên hiệp Phụ nữ tỉnh"),
        phrase="sau khi có ý kiến của Thường trực Tỉnh ủy",
        merges={
            "btgtu": ("Ban Tuyên giáo Tỉnh ủy",),
            "so-vhttdl": ("Sở Văn hóa, Thể thao và Du lịch",),
        },
    ),
    "sotttt-docx": Doc(
        key="sotttt-docx",
        build=build_docx,
        expected="so-tttt-attt-2024.yaml",
        phrase="Khi có sự cố xảy ra",
        merges={
            "ptth-tinh": (
                _nfd("Đài Phát thanh - Truyền hình tỉnh"),
                "Đài Phát thanh – Truyền hình tỉnh",
            ),
            "vp-ubnd": ("Văn phòng Uỷ ban nhân dân tỉnh", "Văn phòng UBND tỉnh"),
        },
        lines_known=False,
    ),
}
MODES = ("units", "names")

_CACHE: dict[tuple[str, str], ImportResult] = {}


@pytest.fixture(scope="module")
def docx_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("import-docx")


def source_path(doc: Doc, docx_dir: Path) -> Path:
    if doc.source is not None:
        return DATA / doc.source
    assert doc.build is not None
    path = docx_dir / f"{doc.key}.docx"
    if not path.exists():
        doc.build(path)
    return path


def expected_plan(doc: Doc) -> Plan:
    return load_plan(DATA / doc.expected)


def run_import(doc: Doc, mode: str, docx_dir: Path) -> ImportResult:
    """The import of ``doc`` (once per test module): with the expected plan's unit table
    (``mode="units"``, loaded the way ``--units FILE`` does) or without."""
    key = (doc.key, mode)
    if key not in _CACHE:
        from tuyentruyen.importer.units import load_units_file

        known = load_units_file(DATA / doc.expected) if mode == "units" else ()
        plan_id = expected_plan(doc).id
        _CACHE[key] = import_document(
            source_path(doc, docx_dir), fmt=doc.fmt, units=known, plan_id=plan_id
        )
    return _CACHE[key]


def imported_plan(doc: Doc, mode: str, docx_dir: Path) -> Plan:
    result = run_import(doc, mode, docx_dir)
    assert result.plan is not None, "\n".join(f.render("en") for f in result.report.findings)
    return result.plan


# --- comparing -----------------------------------------------------------------------------


def text(value: str | None) -> str | None:
    """NFC with runs of blanks as one space: how a person reads a text."""
    if value is None:
        return None
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip()


def phrase(value: str | None) -> str | None:
    """A time phrase as written, without the sentence's trailing punctuation."""
    shown = text(value)
    return None if shown is None else shown.rstrip(" .;,")


def unit_keys(plan: Plan, unit_id: str, *, drop: tuple[str, ...] = ()) -> set[str]:
    unit = plan.unit_index.get(unit_id)
    if unit is None:
        return set()
    names = (unit.name, unit.short, *unit.aliases)
    dropped = {normalize_name(d) for d in drop}
    return {normalize_name(n) for n in names if n} - dropped


class Units:
    """Whether an imported unit id is an expected one: the same id (``units`` mode) or,
    without a unit table, a unit sharing one of its spellings (``names`` mode)."""

    def __init__(self, expected: Plan, imported: Plan, mode: str) -> None:
        self.expected, self.imported, self.mode = expected, imported, mode

    def same(self, got: str, want: str) -> bool:
        if self.mode == "units":
            return got == want
        return bool(unit_keys(self.imported, got) & unit_keys(self.expected, want))

    def same_list(self, got: tuple[str, ...], want: tuple[str, ...]) -> bool:
        return len(got) == len(want) and all(
            self.same(g, w) for g, w in zip(got, want, strict=True)
        )

    def shown(self, got: tuple[str, ...] | str) -> str:
        ids = (got,) if isinstance(got, str) else got
        return "[" + ", ".join(f"{i} ({self.imported.unit_name(i)})" for i in ids) + "]"


def _window(task: Task) -> tuple[Any, ...]:
    return (task.window.start, task.window.end, task.ongoing, phrase(task.window_text))


#: Task aspects: each gives the differences between an expected and an imported task.
TASK_ASPECTS: dict[str, Callable[[Task, Task, Units], str | None]] = {
    "title": lambda w, g, u: (
        None if text(w.title) == text(g.title) else f"title {g.title!r} != {w.title!r}"
    ),
    "content": lambda w, g, u: (
        None
        if [text(c) for c in w.content] == [text(c) for c in g.content]
        else f"content {list(g.content)!r} != {list(w.content)!r}"
    ),
    "section": lambda w, g, u: (
        None if w.section == g.section else f"section {g.section!r} != {w.section!r}"
    ),
    "lead": lambda w, g, u: (
        None if u.same(g.lead, w.lead) else f"lead {u.shown(g.lead)} != {w.lead}"
    ),
    "support": lambda w, g, u: (
        None
        if u.same_list(g.support, w.support)
        else f"support {u.shown(g.support)} != {list(w.support)}"
    ),
    "support_other": lambda w, g, u: (
        None
        if [text(s) for s in w.support_other] == [text(s) for s in g.support_other]
        else f"support_other {list(g.support_other)!r} != {list(w.support_other)!r}"
    ),
    "window": lambda w, g, u: (
        None
        if _window(w) == _window(g)
        else f"(start, end, ongoing, window_text) {_window(g)!r} != {_window(w)!r}"
    ),
    "plan_due": lambda w, g, u: (
        None
        if (w.plan_due, phrase(w.plan_due_text)) == (g.plan_due, phrase(g.plan_due_text))
        else f"plan_due {(g.plan_due, g.plan_due_text)!r} != {(w.plan_due, w.plan_due_text)!r}"
    ),
}


def task_differences(doc: Doc, mode: str, docx_dir: Path, aspect: str) -> list[str]:
    expected = expected_plan(doc)
    got = imported_plan(doc, mode, docx_dir)
    units = Units(expected, got, mode)
    index = {t.id: t for t in got.tasks}
    found: list[str] = []
    for want in expected.tasks:
        task = index.get(want.id)
        if task is None:
            found.append(f"task {want.id}: missing (imported ids: {sorted(index)})")
            continue
        problem = TASK_ASPECTS[aspect](want, task, units)
        if problem:
            found.append(f"task {want.id}: {problem}")
    return found


def line_of(doc: Doc, fragment: str, docx_dir: Path) -> int:
    """The 1-based line of the document where ``fragment`` is written (NFC-compared)."""
    lines = source_path(doc, docx_dir).read_text("utf-8").splitlines()
    wanted = unicodedata.normalize("NFC", fragment)
    hits = [i for i, line in enumerate(lines, 1) if wanted in unicodedata.normalize("NFC", line)]
    assert len(hits) == 1, (fragment, hits)
    return hits[0]


def findings(doc: Doc, mode: str, docx_dir: Path) -> tuple[Finding, ...]:
    return tuple(run_import(doc, mode, docx_dir).report.findings)


def shown_findings(found: tuple[Finding, ...]) -> str:
    return "\n".join(f"{f.kind}: {f.render('en')} [{f.text!r}]" for f in found)


# --- the tests -----------------------------------------------------------------------------


def test_expected_plans_load_and_documents_exist(tmp_path: Path) -> None:
    for doc in DOCS.values():
        plan = expected_plan(doc)
        assert 6 <= len(plan.tasks) <= 15, doc.key
        assert source_path(doc, tmp_path).stat().st_size > 0


@pytest.mark.parametrize("aspect", ["ids", *TASK_ASPECTS])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("key", list(DOCS))
def test_tasks(key: str, mode: str, aspect: str, docx_dir: Path) -> None:
    """Task by task, one aspect at a time, against the expected plan."""
    doc = DOCS[key]
    if aspect == "ids":
        got = [t.id for t in imported_plan(doc, mode, docx_dir).tasks]
        assert got == [t.id for t in expected_plan(doc).tasks]
        return
    differences = task_differences(doc, mode, docx_dir, aspect)
    assert not differences, "\n".join(differences)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("key", list(DOCS))
def test_header(key: str, mode: str, docx_dir: Path) -> None:
    """Number (as written, without "Số"), date, place, title, issuer."""
    doc = DOCS[key]
    want, got = expected_plan(doc), imported_plan(doc, mode, docx_dir)
    fields = ("id", "reference", "issued_on", "place")
    assert [getattr(got, f) for f in fields] == [getattr(want, f) for f in fields]
    assert text(got.title) == text(want.title)
    units = Units(want, got, mode)
    assert units.same(got.issuer, want.issuer), units.shown(got.issuer)


@pytest.mark.parametrize("key", list(DOCS))
def test_bases(key: str, docx_dir: Path) -> None:
    """Căn cứ: each cited document with its number and date, text as written."""
    doc = DOCS[key]
    want, got = expected_plan(doc), imported_plan(doc, "units", docx_dir)
    assert [(b.reference, b.issued_on) for b in got.bases] == [
        (b.reference, b.issued_on) for b in want.bases
    ]
    assert [phrase(b.text) for b in got.bases] == [phrase(b.text) for b in want.bases]


@pytest.mark.parametrize("key", list(DOCS))
def test_purposes(key: str, docx_dir: Path) -> None:
    doc = DOCS[key]
    want, got = expected_plan(doc), imported_plan(doc, "units", docx_dir)
    assert [text(p) for p in got.purposes] == [text(p) for p in want.purposes]


@pytest.mark.parametrize("key", list(DOCS))
def test_sections(key: str, docx_dir: Path) -> None:
    doc = DOCS[key]
    want, got = expected_plan(doc), imported_plan(doc, "units", docx_dir)
    assert [(s.id, text(s.title)) for s in got.sections] == [
        (s.id, text(s.title)) for s in want.sections
    ]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("key", list(DOCS))
def test_reporting_rule(key: str, mode: str, docx_dir: Path) -> None:
    """Cadence, day and receiving unit of each reporting rule; its text names the day."""
    doc = DOCS[key]
    want, got = expected_plan(doc), imported_plan(doc, mode, docx_dir)
    units = Units(want, got, mode)
    assert [(r.every, r.day) for r in got.reporting] == [(r.every, r.day) for r in want.reporting]
    for w, g in zip(want.reporting, got.reporting, strict=True):
        assert units.same(g.to, w.to), units.shown(g.to)
        assert units.same_list(g.from_, w.from_), units.shown(g.from_)
        assert g.text is not None
        assert f"ngày {w.day}" in g.text


@pytest.mark.parametrize("key", list(DOCS))
def test_recipients_and_signer(key: str, docx_dir: Path) -> None:
    doc = DOCS[key]
    want, got = expected_plan(doc), imported_plan(doc, "units", docx_dir)
    assert [phrase(r) for r in got.recipients] == [phrase(r) for r in want.recipients]
    assert got.signer == want.signer


@pytest.mark.parametrize("key", list(DOCS))
def test_spellings_merged(key: str, docx_dir: Path) -> None:
    """Without a unit table, the spellings of one unit (NFC/NFD, Ủy/Uỷ, case, dashes,
    MTTQ/Mặt trận Tổ quốc, UBND) become ONE unit, found under each spelling."""
    doc = DOCS[key]
    got = imported_plan(doc, "names", docx_dir)
    for unit_id, spellings in doc.merges.items():
        owners = {got.names.resolve(s) for s in spellings}
        assert len(owners) == 1, (unit_id, spellings, owners)
        assert None not in owners, (unit_id, spellings, owners)
    # And no expected unit is split in two (the typo aside: flagged, not merged).
    want = expected_plan(doc)
    drop = doc.typo[:1] if doc.typo else ()
    used = {t.lead for t in want.tasks} | {s for t in want.tasks for s in t.support}
    for unit_id in sorted(used):
        keys = unit_keys(want, unit_id, drop=drop)
        matches = [u.id for u in got.units if unit_keys(got, u.id) & keys]
        assert len(matches) == 1, (unit_id, matches)


@pytest.mark.parametrize("key", [k for k, d in DOCS.items() if d.typo])
def test_typo_flagged(key: str, docx_dir: Path) -> None:
    """The misspelt unit is flagged: kind "unit", its line, the right spelling suggested."""
    doc = DOCS[key]
    assert doc.typo is not None
    typo, right = doc.typo
    found = findings(doc, "names", docx_dir)
    flagged = [
        f for f in found if f.kind == "unit" and normalize_name(typo) in normalize_name(f.text)
    ]
    assert flagged, shown_findings(found)
    assert any(
        f.suggestion is not None and normalize_name(f.suggestion) == normalize_name(right)
        for f in flagged
    ), shown_findings(tuple(flagged))
    if doc.lines_known:
        assert {f.line for f in flagged} == {line_of(doc, typo, docx_dir)}, shown_findings(
            tuple(flagged)
        )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("key", [k for k, d in DOCS.items() if d.phrase])
def test_unknown_phrase_reported(key: str, mode: str, docx_dir: Path) -> None:
    """The phrase no parser understands is reported (kind "phrase", its line) - and kept
    verbatim on its task with no date guessed (the "window" aspect checks that)."""
    doc = DOCS[key]
    assert doc.phrase is not None
    found = findings(doc, mode, docx_dir)
    reported = [
        f for f in found if f.kind == "phrase" and phrase(doc.phrase) in (text(f.text) or "")
    ]
    assert len(reported) == 1, shown_findings(found)
    if doc.lines_known:
        assert reported[0].line == line_of(doc, doc.phrase, docx_dir)
    else:
        assert reported[0].line is not None
    # Every other time phrase of the document was understood.
    others = [f for f in found if f.kind == "phrase" and f not in reported]
    assert not others, shown_findings(tuple(others))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("key", list(DOCS))
def test_status_with_warnings(key: str, mode: str, docx_dir: Path) -> None:
    """Each document imports with warnings (status 1): an unknown phrase, maybe a typo."""
    doc = DOCS[key]
    assert run_import(doc, mode, docx_dir).status == 1


@pytest.mark.parametrize("key", list(DOCS))
def test_cli_import_json(key: str, docx_dir: Path) -> None:
    """``tuyentruyen import DOC --units FILE --json``: exit 1, the normalized plan on
    stdout (a valid plan file), the report with line numbers on stderr."""
    doc = DOCS[key]
    result = cli("import", source_path(doc, docx_dir), "--units", DATA / doc.expected, "--json")
    assert result.code == 1, result
    plan = plan_from_dict(json.loads(result.out))
    assert [t.id for t in plan.tasks] == [t.id for t in expected_plan(doc).tasks]
    if doc.phrase and doc.lines_known:
        line = line_of(doc, doc.phrase, docx_dir)
        assert any(str(line) in err and doc.phrase in err for err in result.err_lines), result.err


def iter_documents(docx_dir: Path) -> Iterator[tuple[str, bytes]]:
    """Every document of this module as (name, bytes): for the fuzz tests."""
    for doc in DOCS.values():
        path = source_path(doc, docx_dir)
        yield path.name, path.read_bytes()
