"""Errors of tuyentruyen: one base class, each error says what, where and what to do.

Every error carries an English and a Vietnamese message. ``str(error)`` is the English
form (what a developer reads in a traceback); :meth:`TuyenTruyenError.message` gives
either language, and the CLI prints the one the user asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import attrs

from tuyentruyen.lifecycle import EVENT_LABELS_VI, STATE_LABELS


def _st(state: str) -> str:
    """A state for a Vietnamese message: its label, then the id the API uses."""
    label = STATE_LABELS["vi"].get(state)
    return f"'{label}' ({state})" if label else repr(state)


def _ev(event: str) -> str:
    """An event for a Vietnamese message: its name, then the id the API uses."""
    label = EVENT_LABELS_VI.get(event)
    return f"'{label}' ({event})" if label else repr(event)


__all__ = [
    "Conflict",
    "DependencyNotMet",
    "EventError",
    "InvalidTransition",
    "LogConflict",
    "NotPermitted",
    "PlanError",
    "Problem",
    "StateFileError",
    "TimePhraseError",
    "TuyenTruyenError",
    "UnknownTask",
]


class TuyenTruyenError(Exception):
    """Base class of every error the library raises on purpose.

    Attributes:
        en: the message in English.
        vi: the message in Vietnamese.
        task: the task id concerned, if any.
    """

    def __init__(self, en: str, vi: str, *, task: str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.vi = vi
        self.task = task

    def message(self, lang: str = "vi") -> str:
        """The message in ``lang`` (``"vi"`` or ``"en"``)."""
        return self.vi if lang == "vi" else self.en

    def lines(self, lang: str = "vi") -> list[str]:
        """The message as lines, for the CLI (one line unless the error lists problems)."""
        return [self.message(lang)]


@attrs.frozen
class Problem:
    """One thing wrong with a plan: where it is and what is wrong.

    ``path`` is a JSON path such as ``$.tasks[3].lead``; ``line`` is the 1-based line in
    the source file when the format gives one.
    """

    path: str
    en: str
    vi: str
    line: int | None = None
    task: str | None = None
    #: Closest known values, for "did you mean" hints.
    candidates: tuple[str, ...] = ()

    def message(self, lang: str = "vi", source: str | None = None) -> str:
        """One line: ``file:line: path: message``."""
        where = []
        if source:
            where.append(source if self.line is None else f"{source}:{self.line}")
        elif self.line is not None:
            where.append(f"line {self.line}" if lang == "en" else f"dòng {self.line}")
        where.append(self.path)
        text = self.vi if lang == "vi" else self.en
        if self.task is not None:
            text = (f"task {self.task}: " if lang == "en" else f"nhiệm vụ {self.task}: ") + text
        return ": ".join([*where, text])


class PlanError(TuyenTruyenError, ValueError):
    """A plan (file or object) is not valid; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem], *, source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        en = "; ".join(p.message("en", source) for p in self.problems) or "invalid plan"
        vi = "; ".join(p.message("vi", source) for p in self.problems) or "kế hoạch không hợp lệ"
        first_task = next((p.task for p in self.problems if p.task is not None), None)
        super().__init__(en, vi, task=first_task)

    def lines(self, lang: str = "vi") -> list[str]:
        """One line per problem."""
        return [p.message(lang, self.source) for p in self.problems]


class TimePhraseError(TuyenTruyenError, ValueError):
    """A Vietnamese time phrase could not be understood. Never guessed, always reported."""

    def __init__(self, phrase: str, reason_en: str = "", reason_vi: str = "") -> None:
        self.phrase = phrase
        self.reason_en = reason_en
        self.reason_vi = reason_vi or reason_en
        en = f"cannot understand the time phrase {phrase!r}"
        vi = f"không hiểu cụm từ thời gian {phrase!r}"
        if reason_en:
            en += f": {reason_en}"
            vi += f": {reason_vi or reason_en}"
        super().__init__(en, vi)


class UnknownTask(TuyenTruyenError, KeyError):
    """No task with this id exists in the plan."""

    def __init__(self, task: str, candidates: Sequence[str] = ()) -> None:
        hint_en = f" (closest: {', '.join(candidates)})" if candidates else ""
        hint_vi = f" (gần nhất: {', '.join(candidates)})" if candidates else ""
        super().__init__(
            f"unknown task {task!r}{hint_en}",
            f"không có nhiệm vụ {task!r}{hint_vi}",
            task=task,
        )
        self.candidates = tuple(candidates)

    def __str__(self) -> str:  # KeyError would quote the message
        return self.en


class InvalidTransition(TuyenTruyenError):
    """The event is not possible from the task's current state."""

    def __init__(self, task: str, state: str, event: str, possible: Sequence[str]) -> None:
        self.state = state
        self.event = event
        self.possible = tuple(possible)
        can_en = ", ".join(possible) if possible else "none (the task is final)"
        can_vi = ", ".join(possible) if possible else "không có (nhiệm vụ đã kết thúc)"
        super().__init__(
            f"task {task}: cannot {event!r} from state {state!r}; possible events: {can_en}",
            f"nhiệm vụ {task}: không thể {_ev(event)} khi đang ở trạng thái {_st(state)}; "
            f"các sự kiện có thể: {can_vi}",
            task=task,
        )


@attrs.frozen
class Blocker:
    """One unmet dependency: ``task`` must reach ``required`` but is in ``state``."""

    task: str
    required: str
    state: str
    #: Set when the task did reach ``required``, but only after the moment in question
    #: (a backdated event): when it did.
    reached_later: datetime | None = None

    def message(self, lang: str = "vi") -> str:
        """The blocker in words."""
        if self.reached_later is not None:
            when = self.reached_later.isoformat()
            if lang == "en":
                return f"{self.task} must be {self.required} first (it became so only at {when})"
            return (
                f"{self.task} phải đạt trạng thái {_st(self.required)} trước "
                f"(chỉ đạt được lúc {when})"
            )
        if lang == "en":
            return f"{self.task} must be {self.required} (it is {self.state})"
        return f"{self.task} phải đạt trạng thái {_st(self.required)}, hiện là {_st(self.state)}"


class DependencyNotMet(TuyenTruyenError):
    """A dependency of the task does not hold yet; ``blockers`` names each one."""

    def __init__(self, task: str, event: str, blockers: Sequence[Blocker]) -> None:
        self.event = event
        self.blockers = tuple(blockers)
        super().__init__(
            f"task {task}: cannot {event!r} yet: "
            + "; ".join(b.message("en") for b in self.blockers),
            f"nhiệm vụ {task}: chưa thể {_ev(event)}: "
            + "; ".join(b.message("vi") for b in self.blockers),
            task=task,
        )


class NotPermitted(TuyenTruyenError):
    """The actor may not fire this event on this task."""

    def __init__(
        self,
        task: str,
        event: str,
        actor: str,
        allowed: Sequence[str],
        *,
        known: bool = True,
        candidates: Sequence[str] = (),
    ) -> None:
        self.event = event
        self.actor = actor
        self.allowed = tuple(allowed)
        who = ", ".join(allowed) if allowed else "-"
        unknown_en = unknown_vi = ""
        if not known:
            close = ", ".join(candidates)
            unknown_en = (
                f" ({actor!r} is no unit of the plan{'; closest: ' + close if close else ''})"
            )
            unknown_vi = (
                f" ({actor!r} không phải đơn vị của kế hoạch"
                f"{'; gần nhất: ' + close if close else ''})"
            )
        super().__init__(
            f"task {task}: {actor!r} may not fire {event!r}; allowed: {who}{unknown_en}",
            f"nhiệm vụ {task}: đơn vị {actor!r} không được thực hiện {_ev(event)}; "
            f"đơn vị được phép: {who}{unknown_vi}",
            task=task,
        )


class EventError(TuyenTruyenError, ValueError):
    """The event itself is malformed: bad time, missing reason, data not JSON, …"""


class Conflict(TuyenTruyenError):
    """Another writer changed the task first: expected one state, found another."""

    def __init__(self, task: str, expected: str, found: str) -> None:
        self.expected = expected
        self.found = found
        super().__init__(
            f"task {task}: expected state {expected!r} but found {found!r}; "
            "another writer changed it, reload and retry",
            f"nhiệm vụ {task}: mong đợi trạng thái {_st(expected)} nhưng thấy {_st(found)}; "
            "đã có người khác thay đổi, hãy tải lại và thử lại",
            task=task,
        )


class LogConflict(Conflict):
    """Another writer appended to the event log since it was read: the event would not
    be the next one in sequence. Nothing was written; reload and retry."""

    def __init__(self, where: str, expected_seq: int, found_seq: int) -> None:
        self.expected_seq = expected_seq
        self.found_seq = found_seq
        TuyenTruyenError.__init__(
            self,
            f"{where}: event #{expected_seq} would not follow the log, which already "
            f"holds {found_seq - 1} events; another writer changed it, reload and retry",
            f"{where}: sự kiện #{expected_seq} không nối tiếp được nhật ký đã có "
            f"{found_seq - 1} sự kiện; đã có người khác ghi, hãy tải lại và thử lại",
        )


class StateFileError(TuyenTruyenError):
    """A state (event log) file is unreadable or does not belong to the plan."""
