"""Delivering the outbox (``tuyentruyen deliver``) on SQLite and PostgreSQL: every event
reaches every backend once, a failing backend is retried and does not hold up the
others, two deliverers at once never send a message twice."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from clirun import cli, ok
from storehelp import in_processes
from tuyentruyen import FixedClock, Plan, Tracker
from tuyentruyen.delivery import Deliverer, notifiers_from, render_event
from tuyentruyen.notify import Message
from tuyentruyen.plugins import make_plugin_manager
from tuyentruyen.store import SQLiteStore, SQLStore

MARCH = datetime(2023, 3, 20, 9, 0)


class Recorder:
    """A backend that keeps what it is sent (thread-safe)."""

    def __init__(self, fail: int = 0) -> None:
        self.sent: list[Message] = []
        self.fail = fail  # raise on this many calls first
        self.lock = threading.Lock()

    def send(self, message: Message) -> None:
        with self.lock:
            if self.fail:
                self.fail -= 1
                raise ConnectionError("máy chủ không phản hồi")
            self.sent.append(message)


class Clock:
    def __init__(self) -> None:
        self.t = 1_700_000_000.0

    def __call__(self) -> float:
        return self.t


def fired(store: SQLStore, plan: Plan) -> Tracker:
    store.save_plan(plan)
    t = Tracker(plan, store=store, clock=FixedClock(datetime(2023, 12, 31)))
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    t.fire("2.6", "start", actor="tt-bc-xb", at=MARCH)
    t.fire("2.1", "issue", actor=plan.task("2.1").lead, at=MARCH)
    return t


def test_every_event_reaches_each_backend_once(sql_store: SQLStore, seed_plan: Plan) -> None:
    tracker = fired(sql_store, seed_plan)
    a, b = Recorder(), Recorder()
    deliver = Deliverer(sql_store, {"a": a, "b": b}, now=Clock())
    report = deliver.run()
    assert report.sent == {"a": 3, "b": 3}
    assert [m.id for m in a.sent] == [f"{seed_plan.id}/event/{k}" for k in (1, 2, 3)]
    assert [m.id for m in b.sent] == [m.id for m in a.sent]
    first = a.sent[0]
    task = seed_plan.task("2.6")
    assert first.subject == f"[{seed_plan.id}] Nhiệm vụ 2.6: ban hành"
    assert first.units[0] == task.lead
    assert set(task.support) <= set(first.units)
    assert set(seed_plan.receivers_for(task)) <= set(first.units)
    assert "Đơn vị chủ trì" in first.body
    assert first.body.endswith("triển khai thực hiện và báo cáo tiến độ theo kế hoạch.")
    assert Deliverer(sql_store, {"a": a, "b": b}, now=Clock()).run().sent == {}
    tracker.fire("2.6", "report", actor="tt-bc-xb", at=MARCH)
    assert deliver.run().sent == {"a": 1, "b": 1}  # only the new event
    assert sql_store.outbox_status() == []


def test_a_failing_backend_is_retried_and_does_not_hold_up_the_others(
    sql_store: SQLStore, seed_plan: Plan
) -> None:
    fired(sql_store, seed_plan)
    good, flaky = Recorder(), Recorder(fail=4)
    clock = Clock()
    deliver = Deliverer(
        sql_store, {"good": good, "flaky": flaky}, now=clock, max_attempts=3, backoff=10
    )
    report = deliver.run()
    assert report.sent == {"good": 3}
    assert report.retried == {"flaky": 3}
    pending = sql_store.outbox_status()
    assert {(r[4], r[5], r[6]) for r in pending} == {("flaky", "retry", 1)}
    assert all("máy chủ không phản hồi" in r[7] for r in pending)
    assert deliver.run().sent == {}  # not yet: the backoff has not passed
    clock.t += 10
    report = deliver.run()  # second attempts: one more failure, then the rest go
    assert report.retried == {"flaky": 1}
    assert report.sent == {"flaky": 2}
    clock.t += 20
    assert deliver.run().sent == {"flaky": 1}
    assert sorted(m.id for m in flaky.sent) == sorted(m.id for m in good.sent)
    assert sql_store.outbox_status() == []


def test_after_the_last_attempt_a_message_is_marked_failed_with_its_error(
    sql_store: SQLStore, seed_plan: Plan
) -> None:
    fired(sql_store, seed_plan)
    dead = Recorder(fail=10**6)
    clock = Clock()
    deliver = Deliverer(sql_store, {"dead": dead}, now=clock, max_attempts=2, backoff=1)
    assert deliver.run().retried == {"dead": 3}
    clock.t += 1
    assert deliver.run().failed == {"dead": 3}
    clock.t += 3600
    assert deliver.run().failed == {}  # given up: not tried again
    rows = sql_store.outbox_status()
    assert [(r[5], r[6]) for r in rows] == [("failed", 2)] * 3
    assert rows[0][7] == "ConnectionError: máy chủ không phản hồi"


def test_three_deliverer_processes_at_once_send_each_message_once(
    sql_store: SQLStore, seed_plan: Plan
) -> None:
    sql_store.save_plan(seed_plan)
    t = Tracker(seed_plan, store=sql_store, clock=FixedClock(datetime(2023, 12, 31)))
    for task in seed_plan.tasks:
        t.fire(task.id, "issue", actor=task.lead, at=MARCH)

    class Collect:
        def __init__(self) -> None:
            self.ids: list[str] = []
            self.lock = threading.Lock()

        def send(self, message: Message) -> None:
            with self.lock:
                self.ids.append(message.id)

    def deliver(store: SQLStore) -> list[str]:
        backend = Collect()
        Deliverer(store, {"count": backend}, now=Clock(), batch=3, concurrency=2).run()
        return backend.ids

    sent = Counter(i for ids in in_processes(sql_store, deliver) for i in ids)
    assert len(sent) == len(seed_plan.tasks)
    assert set(sent.values()) == {1}


def test_messages_in_english(seed_plan: Plan) -> None:
    payload = {"plan": seed_plan.id, "seq": 7, "task": "2.6", "event": "report"}
    message = render_event(seed_plan, 1, payload, lang="en")
    assert message.subject == f"[{seed_plan.id}] Task 2.6: report"
    assert message.id == f"{seed_plan.id}/event/7"
    assert "Next: the receiving unit reviews the report" in message.body


def test_an_unknown_backend_in_the_configuration_is_named() -> None:
    from tuyentruyen.delivery import ConfigError

    with pytest.raises(ConfigError, match="'pigeon'"):
        notifiers_from({"notify": {"pigeon": {}}}, make_plugin_manager(entry_points=False))


def test_deliver_and_outbox_commands(
    tmp_path: Path, seed_plan: Plan, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "plan.db"
    store = SQLiteStore(db)
    fired(store, seed_plan)
    store.close()
    assert ok(cli("outbox", "--db", db)).out == "mọi thông báo đã được gửi\n"
    config = tmp_path / "tt.toml"
    config.write_text("[notify.console]\n", encoding="utf-8")
    result = ok(cli("deliver", "--db", db, "--config", config))
    assert result.out.splitlines()[-1] == "console: đã gửi 3, chờ gửi lại 0, thất bại 0"
    printed = capsys.readouterr().out
    assert f"[{seed_plan.id}/event/1] -> tt-bc-xb" in printed
    assert ok(cli("--lang", "en", "deliver", "--db", db)).out == "nothing to deliver\n"
    config.write_text("[notify.pigeon]\n", encoding="utf-8")
    bad = cli("deliver", "--db", db, "--config", config)
    assert bad.code == 2
    assert bad.err.startswith("lỗi: [notify.pigeon]: không có plugin nào cung cấp 'pigeon'")
    config.write_text("[notify\n", encoding="utf-8")
    broken = cli("--lang", "en", "deliver", "--db", db, "--config", config)
    assert broken.code == 2
    assert f"{config}: not valid TOML" in broken.err


def test_an_error_the_backend_calls_final_is_not_retried(
    sql_store: SQLStore, seed_plan: Plan
) -> None:
    fired(sql_store, seed_plan)

    class Refused(Exception):
        retryable = False  # e.g. an HTTP 400: sending again cannot help

    class Strict:
        def send(self, message: Message) -> None:
            raise Refused("400 Bad Request")

    report = Deliverer(sql_store, {"strict": Strict()}, now=Clock(), max_attempts=5).run()
    assert report.failed == {"strict": 3}
    assert report.retried == {}
    assert [(r[5], r[6]) for r in sql_store.outbox_status()] == [("failed", 1)] * 3


def test_an_accept_that_sends_a_report_back_says_so(sql_store: SQLStore, seed_plan: Plan) -> None:
    sql_store.save_plan(seed_plan)
    t = Tracker(seed_plan, store=sql_store, clock=FixedClock(datetime(2023, 12, 31)))
    for event in ("issue", "start"):
        t.fire("2.6", event, actor="tt-bc-xb", at=MARCH)
    t.fire("2.6", "report", actor="tt-bc-xb", at=MARCH, final=False)  # an interim report
    receiver = seed_plan.receivers_for(seed_plan.task("2.6"))[0]
    assert t.fire("2.6", "accept", actor=receiver, at=MARCH).dest == "in_progress"
    inbox = Recorder()
    Deliverer(sql_store, {"inbox": inbox}, now=Clock()).run()
    accepted = inbox.sent[-1]
    assert accepted.subject.endswith("tiếp nhận báo cáo")
    assert "(trạng thái: đang thực hiện)" in accepted.body  # not "hoàn thành"
    assert accepted.body.endswith("báo cáo kết quả thực hiện đúng hạn.")
