"""tuyentruyen: a Vietnamese communication plan (kế hoạch thông tin tuyên truyền) as
tracked, auditable work.

>>> from tuyentruyen import Tracker, load_plan
>>> Tracker.__name__
'Tracker'
"""

from tuyentruyen.__about__ import __version__
from tuyentruyen.clock import Clock, FixedClock, SystemClock
from tuyentruyen.errors import (
    Blocker,
    Conflict,
    DependencyNotMet,
    EventError,
    InvalidTransition,
    LogConflict,
    NotPermitted,
    PlanError,
    Problem,
    StateFileError,
    TimePhraseError,
    TuyenTruyenError,
    UnknownTask,
)
from tuyentruyen.events import Event
from tuyentruyen.hookspecs import hookimpl
from tuyentruyen.io import dump_plan, load_plan, loads_plan, plan_from_dict, plan_to_dict
from tuyentruyen.model import (
    Dependency,
    LegalBasis,
    Plan,
    ReportingRule,
    Section,
    Signer,
    Task,
    Unit,
    Window,
)
from tuyentruyen.policy import DefaultPolicy, Policy
from tuyentruyen.status import Classification, Deadline, OverdueTask, Summary, TaskStatus
from tuyentruyen.store import EventLogFile, MemoryStore, Store
from tuyentruyen.tracker import Tracker

__all__ = [
    "Blocker",
    "Classification",
    "Clock",
    "Conflict",
    "Deadline",
    "DefaultPolicy",
    "Dependency",
    "DependencyNotMet",
    "Event",
    "EventError",
    "EventLogFile",
    "FixedClock",
    "InvalidTransition",
    "LegalBasis",
    "LogConflict",
    "MemoryStore",
    "NotPermitted",
    "OverdueTask",
    "Plan",
    "PlanError",
    "Policy",
    "Problem",
    "ReportingRule",
    "Section",
    "Signer",
    "StateFileError",
    "Store",
    "Summary",
    "SystemClock",
    "Task",
    "TaskStatus",
    "TimePhraseError",
    "Tracker",
    "TuyenTruyenError",
    "Unit",
    "UnknownTask",
    "Window",
    "__version__",
    "dump_plan",
    "hookimpl",
    "load_plan",
    "loads_plan",
    "plan_from_dict",
    "plan_to_dict",
]
