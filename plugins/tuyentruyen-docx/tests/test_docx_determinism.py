"""The same export at the same moment gives the same bytes; every time in it is ``at``."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx_testing
from docx_testing import (
    AT,
    moment,
    read,
    render,
)
from tuyentruyen_docx import AUTHOR, DocxExporter

from tuyentruyen.demo import run_demo

demo = docx_testing.demo  # the shared fixture


def test_same_bytes_twice(demo: Any, tmp_path: Path) -> None:
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    options = {"at": AT, "unit": None, "lang": "vi"}
    DocxExporter().export(demo, str(first), options)
    DocxExporter().export(demo, str(second), options)
    assert first.read_bytes() == second.read_bytes()


def test_same_bytes_from_a_rebuilt_tracker(demo: Any, tmp_path: Path) -> None:
    again = run_demo(tmp_path)
    assert render(again, body="state", unit="tt-th") == render(demo, body="state", unit="tt-th")


def test_another_moment_gives_another_file(demo: Any) -> None:
    assert render(demo, moment(1, 11, 2023)) != render(demo)


def test_every_time_comes_from_at(demo: Any) -> None:
    at = moment(15, 9, 2023, 10)
    data = render(demo, at)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        stamps = {info.date_time for info in archive.infolist()}
        names = archive.namelist()
    assert stamps == {(2023, 9, 15, 10, 0, 0)}
    assert "docProps/thumbnail.jpeg" not in names
    props = read(data).core_properties
    expected = datetime(2023, 9, 15, 3, 0, tzinfo=UTC)
    assert props.created == props.modified == props.last_printed == expected
    assert props.author == props.last_modified_by == AUTHOR
    assert props.revision == 1
