"""A permission policy plugin: who may cancel a task.

The default policy lets only the plan's issuer (Ban Tuyên giáo Tỉnh ủy, ``btgtu``)
cancel a task. This plugin changes two things through the ``authorize`` hook:

- the lead unit (*đơn vị chủ trì*) may cancel its own task too, giving its reason;
- standing duties (*nhiệm vụ thường xuyên*) come from the Ban's standing mandate and
  may not be cancelled by anyone, not even the issuer.

Every other decision is left to the tracker's policy (the hook returns ``None``).
Installed as a distribution, the plugin needs only an entry point::

    [project.entry-points.tuyentruyen]
    lead-may-cancel = "custom_policy"

Run it: ``python examples/custom_policy.py``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tuyentruyen import FixedClock, NotPermitted, Plan, Task, Tracker, hookimpl, load_plan
from tuyentruyen.plugins import make_plugin_manager

PLAN_FILE = Path(__file__).resolve().parent / "quang-ninh-60-nam.yaml"


class LeadMayCancel:
    """The lead unit may cancel its own task; standing duties are never cancelled."""

    @hookimpl
    def authorize(self, actor: str, task: Task, event: str, plan: Plan) -> bool | None:
        if event != "cancel":
            return None  # not our business: the tracker's policy decides
        if task.ongoing:
            return False  # refused for everyone (NotPermitted)
        unit = plan.unit(actor)  # an id or a unit's name, as the tracker accepts
        if unit is not None and unit.id == task.lead:
            return True
        return None  # the issuer still may, through the default policy


def main() -> None:
    plan = load_plan(PLAN_FILE)
    tracker = Tracker(
        plan,
        plugins=make_plugin_manager([LeadMayCancel()], entry_points=False),
        clock=FixedClock(datetime(2023, 10, 31, 17, 0)),
    )
    # Phòng Tuyên truyền - Báo chí - Xuất bản leads 2.6 and drops it.
    ev = tracker.fire(
        "2.6", "cancel", actor="tt-bc-xb", at=datetime(2023, 4, 3, 9, 0),
        note="Gộp vào nhiệm vụ 2.1 theo chỉ đạo của lãnh đạo Ban",
    )  # fmt: skip
    print(ev.task, ev.actor, ev.dest)  # 2.6 tt-bc-xb cancelled
    # 1.1 is a standing duty: even the Ban itself may not cancel it.
    try:
        tracker.fire("1.1", "cancel", actor="btgtu", note="Không còn cần thiết")
    except NotPermitted as exc:
        print(exc.message("vi"))


if __name__ == "__main__":
    main()
