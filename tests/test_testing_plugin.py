"""The testing kit's pytest plugin, run in fresh pytest sessions (``pytester``).

Profile tests run in a subprocess each, so that Hypothesis' global settings of this
session (tests/conftest.py loads "dev" or "ci") do not leak into them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]

#: An inner test that reports the active Hypothesis profile and its max_examples.
PROFILE_PROBE = """
from hypothesis import settings

def test_profile():
    print("PROFILE", settings._current_profile, settings().max_examples)
"""


def profile_of(result: pytest.RunResult) -> tuple[str, int]:
    result.assert_outcomes(passed=1)
    found = re.search(r"PROFILE (\S+) (\d+)", result.stdout.str())
    assert found, result.stdout.str()
    return found.group(1), int(found.group(2))


def test_the_plugin_is_registered(pytestconfig: pytest.Config) -> None:
    plugin = pytestconfig.pluginmanager.get_plugin("tuyentruyen")
    assert plugin is not None
    assert plugin.__name__ == "tuyentruyen.testing.pytest_plugin"


def test_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from datetime import datetime

        from tuyentruyen import FixedClock, Tracker
        from tuyentruyen.store import SQLiteStore

        def test_clock(tt_clock):
            assert isinstance(tt_clock, FixedClock)
            assert tt_clock.now().isoformat() == "2023-01-02T08:00:00+07:00"
            tt_clock.advance(days=1, hours=2)
            assert tt_clock.now().isoformat() == "2023-01-03T10:00:00+07:00"

        def test_clock_is_fresh_per_test(tt_clock):
            assert tt_clock.now().isoformat() == "2023-01-02T08:00:00+07:00"

        def test_plan(tt_plan):
            assert tt_plan.id == "qn-60-nam"
            assert tt_plan.task("2.1").depends_on

        def test_tracker(tt_tracker, tt_plan, tt_clock):
            assert isinstance(tt_tracker, Tracker)
            assert tt_tracker.plan is tt_plan and tt_tracker.clock is tt_clock
            tt_clock.set(datetime(2023, 3, 20, 9, 0))
            tt_tracker.fire("2.6", "issue", actor="tt-bc-xb")
            assert tt_tracker.state("2.6") == "issued"

        def test_tracker_is_fresh_per_test(tt_tracker):
            assert not tt_tracker.events

        def test_sqlite_tracker(tt_sqlite_tracker, tmp_path):
            assert isinstance(tt_sqlite_tracker.store, SQLiteStore)
            tt_sqlite_tracker.clock.set(datetime(2023, 3, 20, 9, 0))
            tt_sqlite_tracker.fire("2.6", "issue", actor="tt-bc-xb")
            again = Tracker.open(tmp_path / "tuyentruyen.db", plan_id="qn-60-nam")
            assert again.state("2.6") == "issued"
            again.store.close()
            assert tt_sqlite_tracker.store.verify().ok
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=6)


def test_the_sqlite_tracker_is_closed_after_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        SEEN = []

        def test_uses(tt_sqlite_tracker):
            SEEN.append(tt_sqlite_tracker.store)

        def test_closed():
            (store,) = SEEN
            with pytest.raises(Exception):
                store.plan_ids()
        """
    )
    pytester.runpytest_inprocess().assert_outcomes(passed=2)


def test_the_docs_fixture_example_runs(pytester: pytest.Pytester) -> None:
    """The ```py block of docs/testing.md, as a test module of its own."""
    text = (ROOT / "docs" / "testing.md").read_text("utf-8")
    (example,) = [m.group(1) for m in re.finditer(r"^```py\n(.*?)^```", text, re.S | re.M)]
    pytester.makepyfile(test_docs_example=example)
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=3)


@pytest.mark.parametrize("ci", ["", "true"])
def test_no_profile_is_loaded_by_default(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    """Without the option, the profile is the one Hypothesis chooses by itself (its own
    "ci" profile when CI is set, else "default"), exactly as without the plugin."""
    monkeypatch.setenv("CI", ci)
    pytester.makepyfile(PROFILE_PROBE)
    result = pytester.runpytest_subprocess("-s", "-p", "no:cacheprovider")
    alone = pytester.runpytest_subprocess("-s", "-p", "no:cacheprovider", "-p", "no:tuyentruyen")
    assert profile_of(result) == profile_of(alone)
    assert profile_of(result)[0] in ("default", "ci")
    assert "tuyentruyen: hypothesis profile" not in result.stdout.str()


def test_profiles_are_registered_without_being_loaded(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    pytester.makepyfile(
        """
        from hypothesis import settings

        def test_registered():
            assert settings.get_profile("tuyentruyen-dev").max_examples == 50
            ci = settings.get_profile("tuyentruyen-ci")
            assert (ci.max_examples, ci.deadline, ci.print_blob) == (200, None, True)
            assert settings._current_profile == "default"
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("ci", "expected"), [("", ("tuyentruyen-dev", 50)), ("true", ("tuyentruyen-ci", 200))]
)
def test_the_ini_option_auto(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    ci: str,
    expected: tuple[str, int],
) -> None:
    monkeypatch.setenv("CI", ci)
    pytester.makeini("[pytest]\ntuyentruyen_hypothesis_profile = auto\n")
    pytester.makepyfile(PROFILE_PROBE)
    result = pytester.runpytest_subprocess("-s", "-p", "no:cacheprovider")
    assert profile_of(result) == expected
    result.stdout.fnmatch_lines([f"tuyentruyen: hypothesis profile '{expected[0]}'"])


def test_the_command_line_wins_and_takes_the_users_profiles(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntuyentruyen_hypothesis_profile = tuyentruyen-dev\n")
    pytester.makeconftest(
        """
        from hypothesis import settings

        settings.register_profile("mine", max_examples=7)
        """
    )
    pytester.makepyfile(PROFILE_PROBE)
    result = pytester.runpytest_subprocess(
        "-s", "-p", "no:cacheprovider", "--tt-hypothesis-profile=mine"
    )
    assert profile_of(result) == ("mine", 7)


def test_an_unknown_profile_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(PROFILE_PROBE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--tt-hypothesis-profile=nope")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*tt-hypothesis-profile*nope*"])


#: Runs pytest with Hypothesis made impossible to import.
WITHOUT_HYPOTHESIS = """
import sys

class NoHypothesis:
    def find_spec(self, name, path=None, target=None):
        if name == "hypothesis" or name.startswith("hypothesis."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoHypothesis())
import pytest

sys.exit(pytest.main(sys.argv[1:]))
"""


def test_the_plugin_needs_no_hypothesis(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_plain="""
        import sys

        def test_fixtures_work(tt_tracker, tt_sqlite_tracker, tt_plan):
            assert tt_tracker.plan is tt_plan
            assert "hypothesis" not in sys.modules
        """
    )
    runner = pytester.makepyfile(run_without_hypothesis=WITHOUT_HYPOTHESIS)
    args = [sys.executable, str(runner), "-p", "no:hypothesispytest", "-p", "no:cacheprovider"]
    result = pytester.run(*args, "test_plain.py")
    result.assert_outcomes(passed=1)
    # Asking for a profile then is an error that says what to install.
    result = pytester.run(*args, "--tt-hypothesis-profile=auto", "test_plain.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*Hypothesis is not installed*tuyentruyen*testing*"])
