"""The wheel carries what an installed tuyentruyen needs: typing marker, seed plan, CLI."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contents(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("tuyentruyen-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        seed = archive.read("tuyentruyen/data/quang-ninh-60-nam.yaml")
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        scripts = archive.read(entry_points).decode()
    assert "tuyentruyen/py.typed" in names
    assert seed == (ROOT / "examples" / "quang-ninh-60-nam.yaml").read_bytes()
    assert "tuyentruyen = tuyentruyen.cli:main" in scripts
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)
