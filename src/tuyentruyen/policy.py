"""Who may fire which event.

The default rule (:class:`DefaultPolicy`): the lead unit (*đơn vị chủ trì*) fires
``issue``, ``start`` and ``report``; the unit that receives the plan's reports (in the
seed, Phòng Tuyên truyền - Báo chí - Xuất bản) fires ``accept`` and ``rework``; the
plan's issuer fires ``cancel``. Pass any object with the :class:`Policy` method to the
tracker to replace it.
"""

from __future__ import annotations

from typing import Protocol

from tuyentruyen.errors import NotPermitted
from tuyentruyen.model import Plan, Task

__all__ = ["DefaultPolicy", "Policy"]

_LEAD_EVENTS = frozenset(("issue", "start", "report"))


class Policy(Protocol):
    """Decides whether ``actor`` may fire ``event`` on ``task``."""

    def check(self, plan: Plan, task: Task, event: str, actor: str) -> str:
        """Return the actor's canonical id, or raise :class:`~tuyentruyen.errors.NotPermitted`."""
        ...


class DefaultPolicy:
    """Lead unit runs the task, report receiver judges reports, issuer cancels.

    Actors are unit ids, or unit names in any Unicode form (resolved to the id).
    """

    def allowed(self, plan: Plan, task: Task, event: str) -> tuple[str, ...]:
        """Unit ids that may fire ``event`` on ``task``."""
        if event in _LEAD_EVENTS:
            return (task.lead,)
        if event in ("accept", "rework"):
            return plan.receivers_for(task) or (plan.issuer,)
        if event == "cancel":
            return (plan.issuer,)
        return ()

    def check(self, plan: Plan, task: Task, event: str, actor: str) -> str:
        """Return the actor's unit id, or raise :class:`~tuyentruyen.errors.NotPermitted`."""
        if actor == task.lead and event in _LEAD_EVENTS:  # the common case, first
            return actor
        allowed = self.allowed(plan, task, event)
        if actor in allowed:
            return actor
        unit = plan.unit(actor)
        if unit is not None and unit.id in allowed:
            return unit.id
        raise NotPermitted(
            task.id, event, actor, allowed, known=unit is not None,
            candidates=() if unit is not None else plan.names.closest(actor),
        )  # fmt: skip
