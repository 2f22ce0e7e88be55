"""The table and number formats the benchmark scripts print (shared by all of them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version


@dataclass
class Report:
    """Rows of ``what, count, time, per-item, note`` under section titles."""

    head: tuple[str, str, str, str, str]
    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    def section(self, title: str) -> None:
        self.rows.append((title, "", "", "", ""))

    def note(self, text: str) -> None:
        self.rows.append((f"  {text}", "", "", "", ""))

    def add(self, what: str, n: int, total: str, per: str, note: str = "") -> None:
        self.rows.append((f"  {what}", f"{n:,}", total, per, note))

    def timed(self, what: str, n: int, seconds: float, per: str, note: str = "") -> None:
        self.add(what, n, fmt_s(seconds), per, note)

    def print(self) -> None:
        widths = [max(len(r[k]) for r in self.rows if r[1]) for k in range(5)]
        h = self.head
        print(f"{h[0]:<{widths[0]}}  {h[1]:>{widths[1]}}  {h[2]:>{widths[2]}}  {h[3]:>{widths[3]}}")
        for r in self.rows:
            if not r[1]:
                print(r[0])
                continue
            print(
                f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  "
                f"{r[3]:>{widths[3]}}  {r[4]}".rstrip()
            )


def fmt_s(seconds: float) -> str:
    """``12.3 ms`` below a second, ``1.23 s`` above."""
    return f"{seconds * 1e3:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def pkg(name: str) -> str:
    """The installed version of a distribution, or ``not installed``."""
    try:
        return dist_version(name)
    except PackageNotFoundError:
        return "not installed"


@dataclass
class Target:
    """A goal a measurement is held to; a NaN value means it was not measured."""

    name: str
    value: float
    limit: float
    unit: str
    higher_is_better: bool = False
    note: str = ""

    @property
    def status(self) -> str:
        if self.value != self.value:  # NaN: not measured
            return "SKIP"
        ok = self.value >= self.limit if self.higher_is_better else self.value <= self.limit
        return "PASS" if ok else "FAIL"


def print_targets(targets: list[Target]) -> int:
    """Print one PASS/FAIL/SKIP line per target; return how many were missed."""
    for t in targets:
        if t.unit == "s":
            shown, limit = fmt_s(t.value), fmt_s(t.limit)
        elif t.unit == "x":
            shown, limit = f"{t.value:,.2f}x", f"{t.limit:g}x"
        elif t.unit == "µs":
            shown, limit = f"{t.value:,.2f} µs", f"{t.limit:g} µs"
        else:
            shown, limit = f"{t.value:,.0f} {t.unit}", f"{t.limit:,.0f} {t.unit}"
        if t.status == "SKIP":
            shown = "not measured"
        op = ">=" if t.higher_is_better else "<="
        print(f"  {t.status}  {t.name}: {shown} ({op} {limit})")
    missed = sum(t.status == "FAIL" for t in targets)
    if missed:
        print(f"{missed} target(s) missed")
    return missed
