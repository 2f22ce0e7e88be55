"""Helpers of the docx tests: the demo's tracker as a fixture, a report rendered and
read back with python-docx. (A fixture here rather than in a conftest.py: with
``--doctest-modules``, pytest given both ``tests/`` of the root and this folder would
import two modules named ``conftest``.)"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.shared import Length
from docx.table import Table
from docx.text.paragraph import Paragraph
from tuyentruyen_docx import DocxExporter

from tuyentruyen.demo import AS_OF, run_demo
from tuyentruyen.timeexpr import as_local

#: The moment of the demo's status: 31/10/2023 17:00 in Asia/Ho_Chi_Minh.
AT = as_local(AS_OF)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``run_demo``'s tracker (the seed plan with its 2023 history), shared: the tests
    only read it. Import it into a test module to use it."""
    return run_demo(tmp_path_factory.mktemp("demo"))


def moment(day: int, month: int, year: int, hour: int = 17) -> datetime:
    """An aware moment in Asia/Ho_Chi_Minh."""
    return as_local(datetime(year, month, day, hour))


def render(tracker: Any, at: datetime = AT, **options: Any) -> bytes:
    """The report's bytes, with the options the CLI always gives plus ``options``."""
    return DocxExporter().render(tracker, {"at": at, "unit": None, "lang": "vi", **options})


def read(data: bytes) -> Document:
    """The report read back by python-docx."""
    return docx.Document(io.BytesIO(data))


def report(tracker: Any, at: datetime = AT, **options: Any) -> Document:
    """Render and read back."""
    return read(render(tracker, at, **options))


def texts(doc: Document) -> list[str]:
    """The text of every top-level paragraph, in order."""
    return [p.text for p in doc.paragraphs]


def rows(table: Table) -> list[list[str]]:
    """A table's cells as text, row by row."""
    return [[c.text for c in r.cells] for r in table.rows]


def table_headed(doc: Document, first: str, second: str) -> Table | None:
    """The table whose header row starts with ``first``, ``second``."""
    for table in doc.tables:
        head = table.rows[0].cells
        if len(head) > 1 and (head[0].text, head[1].text) == (first, second):
            return table
    return None


def header_cells(doc: Document) -> tuple[list[Paragraph], list[Paragraph]]:
    """The paragraphs of the header block's left and right cells."""
    left, right = doc.tables[0].rows[0].cells
    return left.paragraphs, right.paragraphs


def effective(paragraph: Paragraph, attribute: str) -> Any:
    """A font attribute (``name``, ``size``, ``bold``...) of the paragraph's first run
    as Word resolves it: the run's own, else the paragraph style's chain."""
    runs = paragraph.runs
    value = getattr(runs[0].font, attribute) if runs else None
    style: Any = paragraph.style
    while value is None and style is not None:
        value = getattr(style.font, attribute)
        style = style.base_style
    return value


def points(length: Length | None) -> float | None:
    """A length in points."""
    return None if length is None else length.pt


def all_paragraphs(doc: Document) -> Iterator[Paragraph]:
    """Every paragraph of the body, those in table cells too."""
    yield from doc.paragraphs
    for table in doc.tables:
        for r in table.rows:
            for c in r.cells:
                yield from c.paragraphs
