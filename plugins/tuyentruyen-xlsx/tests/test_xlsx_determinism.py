"""The same export at the same moment gives the same bytes: every timestamp in the
file comes from ``at``, none from the clock."""

from __future__ import annotations

import zipfile
from datetime import UTC, date
from pathlib import Path

from xlsx_testing import AT, LATER, as_of, export, read

from tuyentruyen import Tracker


def test_same_moment_same_bytes(demo: Tracker, tmp_path: Path) -> None:
    a = export(demo, tmp_path / "a.xlsx").read_bytes()
    b = export(demo, tmp_path / "b.xlsx").read_bytes()
    assert a == b
    c = export(demo, tmp_path / "c.xlsx", at=LATER).read_bytes()
    assert c != a


def test_same_bytes_with_options(demo: Tracker, tmp_path: Path) -> None:
    options = {"unit": "tttt-tinh", "lang": "en", "fill": "row"}
    a = export(demo, tmp_path / "a.xlsx", **options).read_bytes()
    b = export(demo, tmp_path / "b.xlsx", **options).read_bytes()
    assert a == b


def test_every_timestamp_comes_from_at(demo: Tracker, tmp_path: Path) -> None:
    at = as_of(date(2023, 10, 31))
    path = export(demo, tmp_path / "a.xlsx", at=at)
    with zipfile.ZipFile(path) as archive:
        stamps = {info.date_time for info in archive.infolist()}
        names = archive.namelist()
    # zip times have a 2-second resolution: 23:59:59 is stored as 23:59:58
    assert stamps == {(2023, 10, 31, 23, 59, 58)}
    assert "xl/worksheets/sheet1.xml" in names
    props = read(path).properties
    expected = at.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    assert props.created == props.modified == expected
    assert props.lastModifiedBy is None


def test_moment_is_read_in_vietnam_time(demo: Tracker, tmp_path: Path) -> None:
    """The same instant given in UTC gives the same file."""
    a = export(demo, tmp_path / "a.xlsx", at=AT).read_bytes()
    b = export(demo, tmp_path / "b.xlsx", at=AT.astimezone(UTC)).read_bytes()
    assert a == b


def test_naive_moment_means_vietnam_time(demo: Tracker, tmp_path: Path) -> None:
    a = export(demo, tmp_path / "a.xlsx", at=AT).read_bytes()
    b = export(demo, tmp_path / "b.xlsx", at=AT.replace(tzinfo=None)).read_bytes()
    assert a == b
