"""A small web service embedding a tracker: plan status, task history, firing events.

State lives in the database named by ``TUYENTRUYEN_DB``: an SQLite file path (default
``tuyentruyen.db``) or a ``postgresql://`` URL. Load a plan into it first::

    tuyentruyen init examples/quang-ninh-60-nam.yaml --db tuyentruyen.db
    uvicorn --app-dir examples web_api:app

The unit firing an event names itself in the ``X-Actor`` header (a unit id such as
``tt-bc-xb``); put the service behind your authentication proxy, which sets it.
Refusals come back as JSON ``{"error": ..., "en": ..., "vi": ..., "task": ...}``.

    curl -X POST localhost:8000/plans/qn-60-nam/tasks/2.6/events \\
         -H 'X-Actor: tt-bc-xb' -H 'Content-Type: application/json' \\
         -d '{"event": "issue", "at": "2023-03-20T09:00"}'
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from tuyentruyen import Event, Tracker
from tuyentruyen.errors import (
    Conflict,
    DependencyNotMet,
    EventError,
    InvalidTransition,
    NotPermitted,
    TuyenTruyenError,
    UnknownTask,
)
from tuyentruyen.events import thaw_data
from tuyentruyen.status import UnitSummary
from tuyentruyen.store import SQLStore, open_store


class PlanNotFound(TuyenTruyenError):
    def __init__(self, plan_id: str) -> None:
        super().__init__(f"no plan {plan_id!r}", f"không có kế hoạch {plan_id!r}")


# HTTP status of each refusal; any other library error is a 400.
STATUS: dict[type[TuyenTruyenError], int] = {
    PlanNotFound: 404,
    UnknownTask: 404,
    NotPermitted: 403,
    Conflict: 409,  # another writer changed the task first (after three attempts)
    InvalidTransition: 409,  # the task's state does not allow the event
    DependencyNotMet: 409,
    EventError: 422,
}


class FireRequest(BaseModel):
    event: str
    note: str | None = None
    data: dict[str, Any] | None = None
    final: bool | None = None
    at: datetime | None = None  # when it happened; now by default


class Service:
    """One store and one tracker per plan, shared by every request under a lock
    (a store holds one connection)."""

    def __init__(self, target: str) -> None:
        self.store: SQLStore = open_store(target)
        self.trackers: dict[str, Tracker] = {}
        self.lock = threading.Lock()

    def tracker(self, plan_id: str) -> Tracker:
        """The plan's tracker, brought up to date with what other workers wrote."""
        tracker = self.trackers.get(plan_id)
        if tracker is None:
            if plan_id not in self.store.plan_ids():
                raise PlanNotFound(plan_id)
            tracker = Tracker(self.store.load_plan(plan_id), store=self.store)
            self.trackers[plan_id] = tracker
        tracker.refresh()
        return tracker


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.service = Service(os.environ.get("TUYENTRUYEN_DB", "tuyentruyen.db"))
    yield
    app.state.service.store.close()


app = FastAPI(title="tuyentruyen", lifespan=lifespan)


@app.exception_handler(TuyenTruyenError)
def refused(request: Request, exc: TuyenTruyenError) -> JSONResponse:
    status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
    body = {"error": type(exc).__name__, "en": exc.en, "vi": exc.vi, "task": exc.task}
    return JSONResponse(body, status_code=status)


def event_json(ev: Event) -> dict[str, Any]:
    return {**ev._asdict(), "at": ev.at.isoformat(), "data": thaw_data(ev.data)}


def unit_json(row: UnitSummary) -> dict[str, Any]:
    counts = {c.value: n for c, n in row.by_class}
    return {
        "unit": row.unit,
        "total": row.total,
        "due": row.due,
        "on_time_rate": row.on_time_rate,
        "by_class": counts,
    }


@app.get("/plans/{plan_id}/status")
def status(plan_id: str, request: Request, at: datetime | None = None) -> dict[str, Any]:
    service: Service = request.app.state.service
    with service.lock:
        tracker = service.tracker(plan_id)
        rows, summary = tracker.status(at=at), tracker.summary(at=at)
    tasks = [
        {
            "id": s.task.id,
            "title": s.task.title,
            "lead": s.task.lead,
            "state": s.state,
            "classification": s.classification.value,
            "classification_vi": s.classification.label("vi"),
            "deadline": s.deadline.day.isoformat() if s.deadline else None,
        }
        for s in rows
    ]
    return {
        "plan": plan_id,
        "at": summary.at.isoformat(),
        "tasks": tasks,
        "units": [unit_json(r) for r in summary.rows],
        "total": unit_json(summary.total),
    }


@app.get("/plans/{plan_id}/tasks/{task_id}/history")
def history(plan_id: str, task_id: str, request: Request) -> list[dict[str, Any]]:
    service: Service = request.app.state.service
    with service.lock:
        return [event_json(ev) for ev in service.tracker(plan_id).history(task_id)]


@app.post("/plans/{plan_id}/tasks/{task_id}/events", status_code=201)
def fire(
    plan_id: str,
    task_id: str,
    body: FireRequest,
    request: Request,
    x_actor: Annotated[str, Header()],
) -> dict[str, Any]:
    service: Service = request.app.state.service
    with service.lock:
        tracker = service.tracker(plan_id)
        for attempt in range(3):  # a Conflict reloads the tracker: decide again
            try:
                ev = tracker.fire(
                    task_id, body.event, actor=x_actor, **body.model_dump(exclude={"event"})
                )
                break
            except Conflict:
                if attempt == 2:
                    raise
        return {**event_json(ev), "state": tracker.state(task_id)}
