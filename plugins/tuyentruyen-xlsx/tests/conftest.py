"""Fixtures: the demo tracker (the seed plan with its 2023 history), built once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuyentruyen import Tracker
from tuyentruyen.demo import run_demo


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Tracker:
    return run_demo(Path(tmp_path_factory.mktemp("demo")))
