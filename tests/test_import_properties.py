"""Property and fuzz tests of the plan-document importer.

* Round trip: a random valid plan (``tuyentruyen.testing.strategies.plans()``) rendered
  as a document in each style of :mod:`import_render` and imported back, with its unit
  table as ``units=``, gives the same tasks: ids, titles, leads, support, windows,
  ongoing, plan deadlines.
* Fuzz: on any input - random text, random bytes (decoded with ``errors="replace"`` and
  raw), the seed and the test documents truncated, line-shuffled or with lines dropped -
  the importer returns an :class:`ImportResult` or raises one of the library's own
  errors (:class:`~tuyentruyen.TuyenTruyenError`), never anything else.

Example counts follow the hypothesis profile (dev/ci); ``TUYENTRUYEN_FUZZ_EXAMPLES=5000``
runs the fuzz tests longer (by hand, a few minutes).
"""

from __future__ import annotations

import os
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from import_render import FORMAT_OF, STYLES, big_plan, render_plan
from tuyentruyen import Plan, TuyenTruyenError
from tuyentruyen.importer import ImportResult, import_document, import_text
from tuyentruyen.testing import strategies as tts

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "ke-hoach-tuyen-truyen-60-nam-quang-ninh.md"
DATA = Path(__file__).resolve().parent / "data" / "import"


def _examples(share: float = 1.0) -> int:
    """Examples of a fuzz test: ``TUYENTRUYEN_FUZZ_EXAMPLES`` if set, else ``share`` of
    the active profile's count (dev 60, ci 200)."""
    forced = os.environ.get("TUYENTRUYEN_FUZZ_EXAMPLES")
    if forced:
        return int(forced)
    return max(10, int(settings.default.max_examples * share))


FUZZ = settings(
    max_examples=_examples(0.5),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- the seed and the test documents, as text and as bytes ---------------------------------


def _documents() -> list[tuple[str, str, bytes]]:
    """(name, importer format, bytes) of the seed and of tests/data/import/."""
    found: list[tuple[str, str, bytes]] = []
    if SEED.exists():
        found.append((SEED.name, "markdown", SEED.read_bytes()))
    for path in sorted(DATA.glob("*")):
        fmt = {".md": "markdown", ".txt": "text"}.get(path.suffix)
        if fmt:
            found.append((path.name, fmt, path.read_bytes()))
    return found


DOCUMENTS = _documents()


@pytest.fixture(scope="module")
def docx_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from test_import_documents import build_docx

    return build_docx(tmp_path_factory.mktemp("fuzz") / "plan.docx").read_bytes()


def safely(call: object, *args: object, **kwargs: object) -> ImportResult | None:
    """Run an import: an ImportResult, or None when it raised one of the library's own
    errors. Anything else propagates (and fails the test)."""
    try:
        result = call(*args, **kwargs)  # type: ignore[operator]
    except TuyenTruyenError as exc:
        assert exc.en  # both languages, never empty
        assert exc.vi
        return None
    assert isinstance(result, ImportResult)
    assert result.status in (0, 1, 2)
    assert (result.plan is None) == (result.status == 2)
    if result.plan is not None:
        assert result.plan.validate() is result.plan
    for finding in result.report.findings:
        assert finding.render("en")
        assert finding.render("vi")
    return result


# --- round trip ----------------------------------------------------------------------------


def _realistic(plan: Plan) -> Plan:
    """``plan`` without what no document says: a lead unit among its own supporters."""
    tasks = tuple(
        attrs.evolve(t, support=tuple(u for u in t.support if u != t.lead)) for t in plan.tasks
    )
    return attrs.evolve(plan, tasks=tasks)


#: Random valid plans, as a document could state them.
def _no_collective_names(plan: Plan) -> bool:
    """A name starting "Các …" ("Các tổ chức chính trị - xã hội tỉnh") reads as a
    free-text group in a document (support_other), and "X và các …" as the unit X and a
    group (the seed's "Ủy ban MTTQ và các tổ chức chính trị - xã hội tỉnh"): such names
    are never one unit in a document."""
    return not any(
        u.name.lower().startswith("các ") or " và các " in u.name.lower() for u in plan.units
    )


PLANS = tts.plans(max_tasks=6, dependency_density=0).filter(_no_collective_names).map(_realistic)


def _same_tasks(original: Plan, imported: Plan) -> None:
    got = {t.id: t for t in imported.tasks}
    assert [t.id for t in imported.tasks] == [t.id for t in original.tasks]
    for want in original.tasks:
        task = got[want.id]
        assert task.title == want.title, want.id
        assert task.lead == want.lead, (want.id, imported.unit_name(task.lead))
        assert task.support == want.support, want.id
        assert task.support_other == want.support_other, want.id
        assert (task.window, task.ongoing) == (want.window, want.ongoing), want.id
        assert task.plan_due == want.plan_due, want.id


@pytest.mark.parametrize("style", STYLES)
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=PLANS, wrap=st.sampled_from([None, 72]))
def test_rendered_plans_import_back(style: str, plan: Plan, wrap: int | None) -> None:
    """Render a random plan, import it with its units: the same tasks come back."""
    document = render_plan(plan, style, wrap=wrap)
    result = import_text(document, FORMAT_OF[style], units=plan.units)
    assert result.plan is not None, [f.render("en") for f in result.report.findings]
    _same_tasks(plan, result.plan)


@pytest.mark.parametrize("style", STYLES)
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=PLANS)
def test_rendered_reporting_rule_imports_back(style: str, plan: Plan) -> None:
    """The rendered reporting rule comes back: cadence, day, receiving unit."""
    result = import_text(render_plan(plan, style), FORMAT_OF[style], units=plan.units)
    assert result.plan is not None
    assert [(r.every, r.day, r.to) for r in result.plan.reporting] == [
        (r.every, r.day, r.to) for r in plan.reporting
    ]


# --- fuzz ----------------------------------------------------------------------------------


@FUZZ
@given(text=st.text(), fmt=st.sampled_from(["markdown", "text"]))
def test_fuzz_random_text(text: str, fmt: str) -> None:
    safely(import_text, text, fmt)


_PLANISH = st.sampled_from(
    [
        "KẾ HOẠCH",
        "II. NHIỆM VỤ CỤ THỂ",
        "III. TỔ CHỨC THỰC HIỆN",
        "1.",
        "1.1.",
        "a)",
        "**2.3.**",
        "## ",
        "- ",
        "+ ",
        "Số: 45/KH-UBND",
        "Hà Nội, ngày 31 tháng 02 năm 2024",
        "- Đơn vị chủ trì: ",
        "- Đơn vị phối hợp: ",
        "- Thời gian thực hiện: ",
        "Thời gian ban hành kế hoạch: ",
        " chủ trì, phối hợp với ",
        "; thời gian: ",
        "Quý V/2024",
        "trước ngày 01/01/1900",
        "từ ngày 31/12/2200 đến hết ngày 1/1/2201",
        "Từ tháng 13 đến tháng 0/2024",
        "hằng tháng",
        "Sở Thông tin và Truyền thông",
        "Ủy ban MTTQ",
        "Căn cứ Quyết định số 1/QĐ-TTg ngày 99/99/2024;",
        "báo cáo trước ngày 32 hằng tháng về ",
        "Nơi nhận:",
        "KT. CHỦ TỊCH",
        "|",
        "\t",
        "\u0301",
        "\x00",
        "\n",
        "\n\n",
    ]
)


@FUZZ
@given(
    parts=st.lists(st.one_of(_PLANISH, st.text(max_size=20)), max_size=60),
    fmt=st.sampled_from(["markdown", "text"]),
)
def test_fuzz_plan_like_text(parts: list[str], fmt: str) -> None:
    """Text made of plan fragments (headings, labels, phrases, units) in any order."""
    safely(import_text, "".join(parts), fmt)


@FUZZ
@given(data=st.binary(max_size=4000), fmt=st.sampled_from([None, "markdown", "text", "docx"]))
def test_fuzz_random_bytes(data: bytes, fmt: str | None) -> None:
    safely(import_document, data, fmt=fmt)
    if fmt in ("markdown", "text"):
        safely(import_text, data.decode("utf-8", errors="replace"), fmt)


_DOC_INDEX = st.integers(0, max(len(DOCUMENTS) - 1, 0))


@FUZZ
@given(which=_DOC_INDEX, cut=st.floats(0, 1), encoding=st.sampled_from(["utf-8", "utf-16"]))
def test_fuzz_truncated_documents(which: int, cut: float, encoding: str) -> None:
    """A document cut at any point (also mid-character in its bytes, and re-encoded)."""
    assume(DOCUMENTS)
    _name, fmt, data = DOCUMENTS[which]
    text = data.decode("utf-8")
    at = int(len(text) * cut)
    safely(import_text, text[:at], fmt)
    raw = text.encode(encoding)
    safely(import_document, raw[: int(len(raw) * cut)], fmt=fmt)
    safely(import_document, raw[: int(len(raw) * cut)])


@FUZZ
@given(which=_DOC_INDEX, data=st.data())
def test_fuzz_shuffled_documents(which: int, data: st.DataObject) -> None:
    """Lines shuffled, dropped or repeated."""
    assume(DOCUMENTS)
    _name, fmt, raw = DOCUMENTS[which]
    lines = raw.decode("utf-8").splitlines()
    shuffled = data.draw(st.permutations(lines))
    safely(import_text, "\n".join(shuffled), fmt)
    kept = data.draw(st.lists(st.sampled_from(lines), max_size=len(lines)))
    safely(import_text, "\n".join(kept), fmt)


@settings(
    max_examples=_examples(0.1),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(cut=st.floats(0, 1), flip=st.integers(0, 10**9), byte=st.integers(0, 255))
def test_fuzz_damaged_docx(docx_bytes: bytes, cut: float, flip: int, byte: int) -> None:
    """A DOCX truncated or with one byte changed: a DocumentError at worst."""
    safely(import_document, docx_bytes[: int(len(docx_bytes) * cut)], fmt="docx")
    safely(import_document, docx_bytes[: int(len(docx_bytes) * cut)])
    at = flip % len(docx_bytes)
    damaged = docx_bytes[:at] + bytes([byte]) + docx_bytes[at + 1 :]
    safely(import_document, damaged, fmt="docx")


@settings(
    max_examples=_examples(0.1),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(paragraphs=st.lists(st.one_of(_PLANISH, st.text(max_size=40)), max_size=20))
def test_fuzz_docx_paragraphs(tmp_path: Path, paragraphs: list[str]) -> None:
    """A Word document of random paragraphs and a random table."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        try:
            document.add_paragraph(text)
        except ValueError:  # python-docx refuses control characters XML cannot hold
            continue
    if paragraphs:
        table = document.add_table(rows=2, cols=5)
        for i, cell in enumerate(table._cells):
            try:
                cell.text = paragraphs[i % len(paragraphs)]
            except ValueError:
                cell.text = ""
    path = tmp_path / "random.docx"
    document.save(str(path))
    safely(import_document, path)


@pytest.mark.parametrize("style", STYLES)
def test_a_500_task_document_imports_every_task(style: str) -> None:
    """Task numbers of three digits count too (the speed target's document size)."""
    plan = big_plan(500)
    result = import_text(render_plan(plan, style), fmt=FORMAT_OF[style], units=plan.units)
    assert result.plan is not None
    assert [t.id for t in result.plan.tasks] == [t.id for t in plan.tasks]
    assert [t.lead for t in result.plan.tasks] == [t.lead for t in plan.tasks]
