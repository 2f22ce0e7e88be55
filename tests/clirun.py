"""Running the CLI in-process from tests: one shared helper for every CLI test file."""

from __future__ import annotations

import io
from dataclasses import dataclass

from tuyentruyen.cli import main


@dataclass
class Result:
    """What a CLI run gave: exit status, standard output and standard error."""

    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def cli(*args: object) -> Result:
    """Run :func:`tuyentruyen.cli.main` in-process."""
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in args], stdout=out, stderr=err)
    return Result(code, out.getvalue(), err.getvalue())


def ok(result: Result) -> Result:
    """``result``, after checking it succeeded quietly."""
    assert result.code == 0, result
    assert result.err == "", result
    return result
