"""The ``tuyentruyen`` command line.

Every message has a Vietnamese and an English form: ``--lang vi|en`` chooses, else
``TUYENTRUYEN_LANG``, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: English
when it starts with ``en``), else Vietnamese: Vietnamese output names states and
events by their Vietnamese labels (the API id beside them where it helps). Errors end in
one clear line per problem on standard error and exit status 2; nothing is ever
half-written, and a database URL in a message never shows its password. ``verify``
exits 1 when it finds a broken link (the report is on standard output). When the reader
of the output goes away (``… | head -1``) the command stops quietly with status 141.

State lives in an SQL database (``--db DB`` or ``$TUYENTRUYEN_DB``: an SQLite file or a
``postgresql://`` URL; ``init`` loads a plan into it, then PLAN is the plan's id), or,
without a database, in a JSON-lines event log beside the plan file (``--state``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NoReturn, TextIO

import attrs
import pluggy

from tuyentruyen.__about__ import __version__
from tuyentruyen.clock import SystemClock
from tuyentruyen.errors import Conflict, PlanError, TimePhraseError, TuyenTruyenError
from tuyentruyen.events import Event
from tuyentruyen.io import dump_plan, event_to_dict, load_plan, plan_to_dict
from tuyentruyen.lifecycle import EVENT_LABELS_VI, EVENTS, STATE_LABELS, diagram
from tuyentruyen.model import Plan
from tuyentruyen.plugins import get_plugin_manager, plugin_info
from tuyentruyen.status import Summary, TaskStatus
from tuyentruyen.store import EventLogFile, SQLiteStore, SQLStore, StoreError, open_store
from tuyentruyen.store.eventlog import os_error_reason
from tuyentruyen.store.postgres import mask_dsn
from tuyentruyen.timeexpr import ZONE, as_local, end_of_day, format_date, parse_date
from tuyentruyen.tracker import Tracker

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
#: ``verify`` found a broken link: the command worked, the database did not check out.
EXIT_BROKEN = 1
#: The environment variable that names the default database of ``--db``.
DB_ENV = "TUYENTRUYEN_DB"
#: How many times ``fire --db`` decides again, on the database's fresh state, after
#: another writer changed the task first (:class:`~tuyentruyen.errors.Conflict`).
FIRE_ATTEMPTS = 3
#: The reader of our output went away (``tuyentruyen status PLAN | head -1``): stop
#: quietly with the status of a process killed by SIGPIPE (128 + 13), as ``cat`` or
#: ``yes`` would; a shell pipeline reports the last command's status, and with
#: ``set -o pipefail`` the script can still tell the output was cut short.
EXIT_BROKEN_PIPE = 141
#: Years a moment given on the command line may have (as in plan phrases).
YEARS = (1900, 2200)

# --- messages --------------------------------------------------------------------------

_T: dict[str, dict[str, str]] = {
    "en": {
        "prog": "Track a Vietnamese communication plan (kế hoạch thông tin tuyên truyền).",
        "epilog": "Run 'tuyentruyen COMMAND --help' for a command's options.",
        "lang": "language of messages and help: vi or en",
        "version": "show the version and exit",
        "help": "show this help and exit",
        "commands": "commands",
        "usage": "usage: ",
        "positional": "arguments",
        "options": "options",
        "check": "check a plan file and report every problem",
        "show": "show a plan",
        "show.json": "print the normalized plan as JSON (itself a valid plan file)",
        "show.yaml": "print the normalized plan as YAML",
        "status": "show each task's state and official classification",
        "status.at": "as of this date or moment (default: now)",
        "status.json": "print JSON instead of tables",
        "fire": "record an event on a task",
        "fire.task": "task id, e.g. 2.6",
        "fire.event": "event: " + ", ".join(EVENTS),
        "fire.actor": "unit id or name of who fires the event",
        "fire.at": "when it happened (default: now); ISO, 15/9/2023 or 'ngày 15/9/2023 lúc 8:30'",
        "fire.note": "note; for cancel, the reason",
        "fire.data": "what the report says, as a JSON object",
        "fire.final": "this report is the final one (default for non-ongoing tasks)",
        "fire.interim": "this report is an interim one (default for ongoing tasks)",
        "fire.future": "accept a moment after now",
        "history": "list recorded events",
        "history.task": "only this task",
        "lifecycle": "print the task lifecycle diagram",
        "demo": "replay 2023 on the Quảng Ninh 60-year plan and show its status",
        "demo.out": "folder for the demo's files (default: out)",
        "demo.done": "Replayed {events} events of 2023 into {path}",
        "demo.noexport": "do not write the exports",
        "demo.queued": (
            "Queued {count} reminders and overdue notices along the way "
            "(tuyentruyen outbox --db {path}; send them with deliver)"
        ),
        "demo.progress": "replaying 2023",
        "demo.exports": "Exports as of {at} (every installed format):",
        "demo.failed": "{name}: failed: {error}",
        "lifecycle.format": "diagram format",
        "plugins": "list the plugins: name, distribution, version, hooks",
        "deliver": "send the outbox's pending notifications through the configured backends",
        "deliver.config": "configuration file (TOML; default $TUYENTRUYEN_CONFIG; without "
        "one, the console backend)",
        "deliver.attempts": "attempts per message and backend before it is marked failed",
        "deliver.done": "{backend}: {sent} sent, {retried} to retry, {failed} failed",
        "deliver.nothing": "nothing to deliver",
        "outbox": "show notifications not yet delivered, failed ones first, with their last error",
        "remind": "queue the reminders due at a moment (deadlines, periodic reports), each once",
        "export": "write the plan and its progress in a format (json, csv, markdown, plugins')",
        "export.format": "the format (see --list)",
        "export.out": "the file to write",
        "export.at": "as of this moment (default: now)",
        "export.unit": "only the tasks this unit leads or supports",
        "export.force": "replace the file if it exists",
        "export.list": "list the installed formats",
        "export.option": "an option of the format, e.g. -O body=party (repeatable)",
        "export.badoption": "--option {text!r}: write it as KEY=VALUE",
        "export.unknown": "unknown format {name!r}; installed: {known}",
        "export.need": "give --format and -o FILE (or --list)",
        "export.done": "written: {path}",
        "remind.at": "the moment (default: now)",
        "remind.lead": "working days ahead to remind of a deadline (default 3)",
        "remind.done": "{plan}: {new} new reminder(s) queued ({due} due at this moment)",
        "outbox.empty": "every notification has been delivered",
        "outbox.row": "#{id} {plan} event {seq} -> {backend}: {status}, {attempts} attempt(s)"
        "{error}",
        "outbox.status.failed": "failed",
        "outbox.status.retry": "to retry",
        "outbox.status.sending": "being sent",
        "plugins.all": "also the blocked plugins and those that failed to load",
        "plugins.json": "print JSON",
        "plugins.none": "no plugins",
        "plugins.loaded": "",
        "plugins.hooks": "hooks",
        "plugins.blocked": " (blocked)",
        "plugins.failed": " (failed to load: {error})",
        "plugins.duplicate": " (duplicate name, not loaded)",
        "plan": "plan file (.yaml, .yml or .json)",
        "state": "JSON-lines event log, used without a database "
        "(default: PLAN.events.jsonl beside the plan)",
        "ok": "{plan}: OK: {tasks}, {units}, {rules}",
        "recorded": "recorded #{seq}: task {task} {source} -> {dest} ({event} by {actor}, {at})",
        "col.seq": "No.",
        "col.at": "At",
        "col.event": "Event",
        "col.change": "Change",
        "col.actor": "Unit",
        "col.note": "Note",
        "col.window": "Window",
        "no_events": "no events recorded",
        "error": "error",
        "internal": "internal error (please report it): {what}",
        "as_of": "Status of {title} as of {at}",
        "col.task": "Task",
        "col.state": "State",
        "col.class": "Classification",
        "col.deadline": "Deadline",
        "col.lead": "Lead unit",
        "col.unit": "Lead unit",
        "col.total": "Total",
        "col.due": "Due",
        "col.done_on_time": "Done on time",
        "col.done_late": "Done late",
        "col.open_on_time": "Open, on time",
        "col.open_overdue": "Open, overdue",
        "col.rate": "On-time %",
        "summary": "Per lead unit",
        "total": "Total",
        "overdue": "Overdue",
        "due_soon": "due soon",
        "blocked": "blocked",
        "next_report": "Next periodic report: before {day} to {to}",
        "bad_at": "cannot read the moment {value!r}{why}: use 2023-09-15, 2023-09-15T08:30, "
        "15/9/2023 or 15/9/2023 8:30",
        "bad_year": "the moment {value!r} is out of range: the year must be from {low} to {high}",
        "bad_json": "--data is not valid JSON: {what}",
        "io": "{path}: {what}",
        "init": "load a plan file into a database (again: update it)",
        "init.plan": "plan file (.yaml, .yml or .json)",
        "db": "database: an SQLite file or a postgresql:// URL (default: $TUYENTRUYEN_DB)",
        "plan.db": "plan file; with --db, the plan id (or a plan file, whose id is used)",
        "init.new": "{db}: loaded plan {plan}: {tasks}",
        "init.updated": "{db}: updated plan {plan}: {tasks} ({added} added, {removed} removed, "
        "{changed} changed)",
        "init.same": "{db}: plan {plan} is already up to date: {tasks}",
        "verify": "check the hash chain of every event and the task states in a database",
        "verify.db": "database (same as --db)",
        "verify.plan": "only this plan (its id, or a plan file)",
        "verify.ok": "{db}: OK: {plans}, {events}; every hash chain and task state checks out",
        "verify.broken": "{db}: BROKEN: plan {plan}, event #{seq}: {reason}",
        "verify.broken_plan": "{db}: BROKEN: plan {plan}: {reason}",
        "no_db": "no database given: use --db DB or set TUYENTRUYEN_DB",
        "two_dbs": "two different databases given: {first} and {second}",
        "db_missing": "{db}: no such database file; create it with "
        "'tuyentruyen init PLAN --db {db}'",
        "db_empty": "{db}: not a tuyentruyen database (no tuyentruyen tables); load a plan "
        "with 'tuyentruyen init PLAN --db {db}'",
        "no_plan": "{db}: no plan {plan!r} (plans: {plans}); load it with "
        "'tuyentruyen init PLAN --db {db}'",
        "no_psycopg": "{db}: PostgreSQL needs the psycopg package: "
        "pip install 'tuyentruyen[postgres]'",
        "import": "turn a plan document (Markdown, text, DOCX) into a plan file, with a report",
        "import.doc": "the document (.md, .txt or .docx)",
        "import.out": "write the plan file here instead of printing it",
        "import.json": "print (or write) the plan as JSON instead of YAML",
        "import.units": "an existing unit table (a plan file or a list of units): names are "
        "matched to its ids",
        "import.force": "replace the -o file if it exists",
        "import.format": "the document's format (default: from the suffix, else sniffed)",
        "import.id": "the new plan's id (default: from its number or title)",
        "import.exists": "{path}: the file exists; use --force to replace it",
        "import.nothing": "{doc}: no task found, nothing imported",
        "import.summary": "{doc}: {tasks}, {findings}",
        "import.done": "written: {path}",
    },
    "vi": {
        "prog": "Theo dõi kế hoạch thông tin tuyên truyền.",
        "epilog": "Chạy 'tuyentruyen LỆNH --help' để xem tùy chọn của từng lệnh.",
        "lang": "ngôn ngữ của thông báo và trợ giúp: vi hoặc en",
        "version": "hiện phiên bản rồi thoát",
        "help": "hiện trợ giúp này rồi thoát",
        "commands": "các lệnh",
        "usage": "cách dùng: ",
        "positional": "tham số",
        "options": "tùy chọn",
        "check": "kiểm tra tệp kế hoạch và báo mọi lỗi",
        "show": "hiển thị kế hoạch",
        "show.json": "in kế hoạch đã chuẩn hóa dạng JSON (cũng là một tệp kế hoạch hợp lệ)",
        "show.yaml": "in kế hoạch đã chuẩn hóa dạng YAML",
        "status": "hiển thị trạng thái và phân loại chính thức của từng nhiệm vụ",
        "status.at": "tính đến ngày hoặc thời điểm này (mặc định: bây giờ)",
        "status.json": "in JSON thay cho bảng",
        "fire": "ghi nhận một sự kiện của nhiệm vụ",
        "fire.task": "mã nhiệm vụ, ví dụ 2.6",
        "fire.event": "sự kiện: " + ", ".join(EVENTS),
        "fire.actor": "mã hoặc tên đơn vị thực hiện sự kiện",
        "fire.at": "thời điểm (mặc định: bây giờ); ISO, 15/9/2023 hoặc 'ngày 15/9/2023 lúc 8:30'",
        "fire.note": "ghi chú; với cancel là lý do hủy",
        "fire.data": "nội dung báo cáo, dạng đối tượng JSON",
        "fire.final": "đây là báo cáo cuối cùng (mặc định với nhiệm vụ không thường xuyên)",
        "fire.interim": "đây là báo cáo định kỳ giữa chừng (mặc định với nhiệm vụ thường xuyên)",
        "fire.future": "chấp nhận thời điểm sau hiện tại",
        "history": "liệt kê các sự kiện đã ghi nhận",
        "history.task": "chỉ nhiệm vụ này",
        "lifecycle": "in sơ đồ vòng đời nhiệm vụ",
        "demo": "phát lại năm 2023 của kế hoạch 60 năm Quảng Ninh và hiển thị tình hình",
        "demo.out": "thư mục chứa các tệp của bản demo (mặc định: out)",
        "demo.done": "Đã phát lại {events} sự kiện năm 2023 vào {path}",
        "demo.noexport": "không xuất tệp",
        "demo.queued": (
            "Đã xếp {count} lời nhắc và thông báo quá hạn vào hàng đợi "
            "(tuyentruyen outbox --db {path}; gửi bằng deliver)"
        ),
        "demo.progress": "đang phát lại năm 2023",
        "demo.exports": "Các tệp xuất tính đến ngày {at} (mọi định dạng đã cài):",
        "demo.failed": "{name}: lỗi: {error}",
        "lifecycle.format": "định dạng sơ đồ",
        "plugins": "liệt kê các plugin: tên, gói phân phối, phiên bản, hook",
        "deliver": "gửi các thông báo đang chờ trong hộp thư đi qua các kênh đã cấu hình",
        "deliver.config": "tệp cấu hình (TOML; mặc định $TUYENTRUYEN_CONFIG; nếu không có, "
        "dùng kênh console)",
        "deliver.attempts": "số lần thử mỗi thông báo trên mỗi kênh trước khi đánh dấu thất bại",
        "deliver.done": "{backend}: đã gửi {sent}, chờ gửi lại {retried}, thất bại {failed}",
        "deliver.nothing": "không có gì để gửi",
        "outbox": "xem các thông báo chưa gửi được, thất bại trước, kèm lỗi gần nhất",
        "remind": "xếp hàng các nhắc việc đến hạn tại một thời điểm (hạn nhiệm vụ, báo cáo "
        "định kỳ), mỗi nhắc việc một lần",
        "export": "xuất kế hoạch và tiến độ ra một định dạng (json, csv, markdown, của plugin)",
        "export.format": "định dạng (xem --list)",
        "export.out": "tệp cần ghi",
        "export.at": "tính đến thời điểm này (mặc định: bây giờ)",
        "export.unit": "chỉ các nhiệm vụ đơn vị này chủ trì hoặc phối hợp",
        "export.force": "ghi đè nếu tệp đã có",
        "export.list": "liệt kê các định dạng đã cài",
        "export.option": "tùy chọn của định dạng, ví dụ -O body=party (dùng được nhiều lần)",
        "export.badoption": "--option {text!r}: cần viết dạng KHÓA=GIÁ_TRỊ",
        "export.unknown": "không có định dạng {name!r}; đã cài: {known}",
        "export.need": "cần --format và -o TỆP (hoặc --list)",
        "export.done": "đã ghi: {path}",
        "remind.at": "thời điểm (mặc định: bây giờ)",
        "remind.lead": "nhắc trước hạn bao nhiêu ngày làm việc (mặc định 3)",
        "remind.done": "{plan}: đã xếp hàng {new} nhắc việc mới ({due} nhắc việc đến hạn)",
        "outbox.empty": "mọi thông báo đã được gửi",
        "outbox.row": "#{id} {plan} sự kiện {seq} -> {backend}: {status}, đã thử {attempts} lần"
        "{error}",
        "outbox.status.failed": "thất bại",
        "outbox.status.retry": "chờ gửi lại",
        "outbox.status.sending": "đang gửi",
        "plugins.all": "cả các plugin bị chặn và các plugin không nạp được",
        "plugins.json": "in dạng JSON",
        "plugins.none": "không có plugin nào",
        "plugins.loaded": "",
        "plugins.hooks": "các hook",
        "plugins.blocked": " (bị chặn)",
        "plugins.failed": " (lỗi khi nạp: {error})",
        "plugins.duplicate": " (trùng tên, không nạp)",
        "plan": "tệp kế hoạch (.yaml, .yml hoặc .json)",
        "state": "tệp nhật ký sự kiện JSON-lines, dùng khi không có cơ sở dữ liệu "
        "(mặc định: PLAN.events.jsonl cạnh tệp kế hoạch)",
        "ok": "{plan}: HỢP LỆ: {tasks}, {units}, {rules}",
        "recorded": "đã ghi #{seq}: nhiệm vụ {task}: {source} -> {dest} — sự kiện {event}, "
        "đơn vị {actor}, lúc {at}",
        "col.seq": "STT",
        "col.at": "Thời điểm",
        "col.event": "Sự kiện",
        "col.change": "Chuyển trạng thái",
        "col.actor": "Đơn vị",
        "col.note": "Ghi chú",
        "col.window": "Thời gian thực hiện",
        "no_events": "chưa có sự kiện nào",
        "error": "lỗi",
        "internal": "lỗi nội bộ (vui lòng báo lại): {what}",
        "as_of": "Tình hình thực hiện {title} tính đến {at}",
        "col.task": "Nhiệm vụ",
        "col.state": "Trạng thái",
        "col.class": "Phân loại",
        "col.deadline": "Thời hạn",
        "col.lead": "Đơn vị chủ trì",
        "col.unit": "Đơn vị chủ trì",
        "col.total": "Tổng số",
        "col.due": "Đến hạn",
        "col.done_on_time": "HT đúng hạn",
        "col.done_late": "HT quá hạn",
        "col.open_on_time": "Chưa HT, trong hạn",
        "col.open_overdue": "Chưa HT, quá hạn",
        "col.rate": "Tỷ lệ đúng hạn %",
        "summary": "Tổng hợp theo đơn vị chủ trì",
        "total": "Tổng cộng",
        "overdue": "Quá hạn",
        "due_soon": "sắp quá hạn",
        "blocked": "đang bị chặn",
        "next_report": "Báo cáo định kỳ tiếp theo: trước {day} gửi {to}",
        "bad_at": "không đọc được thời điểm {value!r}{why}: dùng 2023-09-15, 2023-09-15T08:30, "
        "15/9/2023 hoặc 15/9/2023 8:30",
        "bad_year": "thời điểm {value!r} nằm ngoài khoảng cho phép: năm phải từ {low} đến {high}",
        "bad_json": "--data không phải JSON hợp lệ: {what}",
        "io": "{path}: {what}",
        "init": "nạp tệp kế hoạch vào cơ sở dữ liệu (nạp lại: cập nhật)",
        "init.plan": "tệp kế hoạch (.yaml, .yml hoặc .json)",
        "db": "cơ sở dữ liệu: tệp SQLite hoặc URL postgresql:// (mặc định: $TUYENTRUYEN_DB)",
        "plan.db": "tệp kế hoạch; với --db là mã kế hoạch (hoặc tệp kế hoạch, lấy mã của nó)",
        "init.new": "{db}: đã nạp kế hoạch {plan}: {tasks}",
        "init.updated": "{db}: đã cập nhật kế hoạch {plan}: {tasks} (thêm {added}, bỏ {removed}, "
        "sửa {changed})",
        "init.same": "{db}: kế hoạch {plan} đã là bản mới nhất: {tasks}",
        "verify": "kiểm tra chuỗi băm của mọi sự kiện và trạng thái nhiệm vụ trong cơ sở dữ liệu",
        "verify.db": "cơ sở dữ liệu (như --db)",
        "verify.plan": "chỉ kế hoạch này (mã kế hoạch hoặc tệp kế hoạch)",
        "verify.ok": "{db}: HỢP LỆ: {plans}, {events}; chuỗi băm và trạng thái nhiệm vụ đều khớp",
        "verify.broken": "{db}: HỎNG: kế hoạch {plan}, sự kiện #{seq}: {reason}",
        "verify.broken_plan": "{db}: HỎNG: kế hoạch {plan}: {reason}",
        "no_db": "chưa chỉ ra cơ sở dữ liệu: dùng --db DB hoặc đặt biến TUYENTRUYEN_DB",
        "two_dbs": "đã chỉ ra hai cơ sở dữ liệu khác nhau: {first} và {second}",
        "db_missing": "{db}: không có tệp cơ sở dữ liệu này; hãy tạo bằng "
        "'tuyentruyen init PLAN --db {db}'",
        "db_empty": "{db}: không phải cơ sở dữ liệu tuyentruyen (không có bảng của tuyentruyen); "
        "hãy nạp kế hoạch bằng 'tuyentruyen init PLAN --db {db}'",
        "no_plan": "{db}: không có kế hoạch {plan!r} (các kế hoạch: {plans}); hãy nạp bằng "
        "'tuyentruyen init PLAN --db {db}'",
        "no_psycopg": "{db}: dùng PostgreSQL cần gói psycopg: pip install 'tuyentruyen[postgres]'",
        "import": "chuyển văn bản kế hoạch (Markdown, văn bản thuần, DOCX) thành tệp kế hoạch, "
        "kèm báo cáo",
        "import.doc": "văn bản kế hoạch (.md, .txt hoặc .docx)",
        "import.out": "ghi tệp kế hoạch vào đây thay vì in ra",
        "import.json": "in (hoặc ghi) kế hoạch dạng JSON thay cho YAML",
        "import.units": "bảng đơn vị có sẵn (tệp kế hoạch hoặc danh sách đơn vị): tên đơn vị "
        "được đối chiếu với mã của bảng này",
        "import.force": "ghi đè tệp -o nếu đã có",
        "import.format": "định dạng văn bản (mặc định: theo phần mở rộng, nếu không thì tự nhận)",
        "import.id": "mã của kế hoạch mới (mặc định: lấy từ số hoặc trích yếu)",
        "import.exists": "{path}: tệp đã có; dùng --force để ghi đè",
        "import.nothing": "{doc}: không tìm thấy nhiệm vụ nào, không nhập gì",
        "import.summary": "{doc}: {tasks}, {findings}",
        "import.done": "đã ghi: {path}",
    },
}


def _lang_from_env(environ: dict[str, str] | os._Environ[str]) -> str:
    explicit = environ.get("TUYENTRUYEN_LANG", "")
    if explicit in ("vi", "en"):
        return explicit
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(key, "")
        if value:
            return "en" if value.lower().startswith("en") else "vi"
    return "vi"


def _pick_lang(argv: Sequence[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("vi", "en"):
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in ("vi", "en"):
            return arg[7:]
    return _lang_from_env(os.environ)


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse with translated headings and errors that exit 2 with one line."""

    lang = "vi"

    def error(self, message: str) -> NoReturn:
        word = _T[self.lang]["error"]
        raise _UsageError(f"{word}: {self.prog}: {_translate_argparse(message, self.lang)}")

    def format_help(self) -> str:
        text = super().format_help()
        t = _T[self.lang]
        text = text.replace("usage: ", t["usage"], 1)
        text = text.replace("\npositional arguments:", f"\n{t['positional']}:")
        return text.replace("\noptions:", f"\n{t['options']}:")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage: ", _T[self.lang]["usage"], 1)


#: argparse's error messages (Python 3.11+) in Vietnamese: (pattern, replacement), each
#: matched against the whole message after an ``argument X: `` prefix is taken off.
_ARGPARSE_VI: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), vi)
    for pattern, vi in (
        (r"the following arguments are required: (.*)", r"thiếu tham số bắt buộc: \1"),
        (r"one of the arguments (.*) is required", r"cần một trong các tham số \1"),
        (r"unrecognized arguments: (.*)", r"tham số không nhận ra: \1"),
        (r"not allowed with argument (.*)", r"không dùng cùng được với tham số \1"),
        (r"ignored explicit argument (.*)", r"không nhận giá trị (đã cho \1)"),
        (
            r"invalid choice: (.*) \(choose from (.*)\)",
            r"lựa chọn không hợp lệ: \1 (chọn một trong \2)",
        ),
        (r"invalid (\S+) value: (.*)", r"giá trị \1 không hợp lệ: \2"),
        (r"expected one argument", "cần một giá trị"),
        (r"expected at most one argument", "cần nhiều nhất một giá trị"),
        (r"expected at least one argument", "cần ít nhất một giá trị"),
        (r"expected (\d+) arguments?", r"cần \1 giá trị"),
        (r"ambiguous option: (\S+) could match (.*)", r"tùy chọn \1 không rõ, có thể là \2"),
        (r"unexpected option string: (.*)", r"tùy chọn không mong đợi: \1"),
        (r"unknown parser (.*) \(choices: (.*)\)", r"không có lệnh \1 (các lệnh: \2)"),
    )
)
_ARGPARSE_ARGUMENT = re.compile(r"argument (.+?): (.*)", re.S)


def _translate_argparse(message: str, lang: str) -> str:
    """argparse's English error ``message`` in ``lang`` (unknown messages stay as they are)."""
    if lang != "vi":
        return message
    prefix = ""
    argument = _ARGPARSE_ARGUMENT.fullmatch(message)
    if argument:
        prefix, message = f"tham số {argument.group(1)}: ", argument.group(2)
    for pattern, vi in _ARGPARSE_VI:
        found = pattern.fullmatch(message)
        if found:
            return prefix + found.expand(vi)
    return prefix + message


def build_parser(
    lang: str = "vi", plugins: pluggy.PluginManager | None = None
) -> argparse.ArgumentParser:
    """The argument parser, with help text in ``lang`` and the commands ``plugins``
    add (``register_commands``)."""
    t = _T[lang]
    _Parser.lang = lang

    def parser(**kw: Any) -> _Parser:
        return _Parser(add_help=False, **kw)

    root = parser(prog="tuyentruyen", description=t["prog"], epilog=t["epilog"])
    root.add_argument("-h", "--help", action="help", help=t["help"])
    root.add_argument(
        "--version", action="version", version=f"tuyentruyen {__version__}", help=t["version"]
    )
    root.add_argument("--lang", choices=("vi", "en"), help=t["lang"])
    sub = root.add_subparsers(
        dest="command", title=t["commands"], metavar="COMMAND", parser_class=_Parser
    )

    def command(
        name: str, func: Callable[[argparse.Namespace, TextIO], int]
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=t[name], description=t[name], add_help=False)
        p.add_argument("-h", "--help", action="help", help=t["help"])
        p.add_argument("--lang", choices=("vi", "en"), help=t["lang"])
        p.set_defaults(func=func)
        return p

    def plan_args(p: argparse.ArgumentParser, state: bool = False) -> None:
        p.add_argument("plan", metavar="PLAN", help=t["plan.db"] if state else t["plan"])
        if state:
            where = p.add_mutually_exclusive_group()
            where.add_argument("--state", metavar="FILE", help=t["state"])
            where.add_argument("--db", metavar="DB", help=t["db"])

    p = command("check", _cmd_check)
    plan_args(p)

    p = command("show", _cmd_show)
    plan_args(p)
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help=t["show.json"])
    fmt.add_argument("--yaml", action="store_true", help=t["show.yaml"])

    p = command("init", _cmd_init)
    p.add_argument("plan", metavar="PLAN", help=t["init.plan"])
    p.add_argument("--db", metavar="DB", help=t["db"])

    p = command("status", _cmd_status)
    plan_args(p, state=True)
    p.add_argument("--at", metavar="DATE", help=t["status.at"])
    p.add_argument("--json", action="store_true", help=t["status.json"])

    p = command("fire", _cmd_fire)
    plan_args(p, state=True)
    p.add_argument("task", metavar="TASK", help=t["fire.task"])
    p.add_argument("event", metavar="EVENT", choices=EVENTS, help=t["fire.event"])
    p.add_argument("--actor", required=True, metavar="UNIT", help=t["fire.actor"])
    p.add_argument("--at", metavar="DATETIME", help=t["fire.at"])
    p.add_argument("--note", help=t["fire.note"])
    p.add_argument("--data", metavar="JSON", help=t["fire.data"])
    final = p.add_mutually_exclusive_group()
    final.add_argument(
        "--final", dest="final", action="store_true", default=None, help=t["fire.final"]
    )
    final.add_argument("--interim", dest="final", action="store_false", help=t["fire.interim"])
    p.add_argument("--allow-future", action="store_true", help=t["fire.future"])

    p = command("history", _cmd_history)
    plan_args(p, state=True)
    p.add_argument("task", metavar="TASK", nargs="?", help=t["history.task"])
    p.add_argument("--json", action="store_true", help=t["status.json"])

    p = command("verify", _cmd_verify)
    p.add_argument("database", metavar="DB", nargs="?", help=t["verify.db"])
    p.add_argument("--db", metavar="DB", help=t["db"])
    p.add_argument("--plan", metavar="ID", help=t["verify.plan"])

    p = command("demo", _cmd_demo)
    p.add_argument("--out", default="out", metavar="DIR", help=t["demo.out"])
    p.add_argument("--no-export", action="store_true", help=t["demo.noexport"])

    p = command("lifecycle", _cmd_lifecycle)
    p.add_argument(
        "--format", choices=("mermaid", "dot"), default="mermaid", help=t["lifecycle.format"]
    )

    p = command("deliver", _cmd_deliver)
    p.add_argument("--db", metavar="DB", help=t["db"])
    p.add_argument("--config", metavar="FILE", help=t["deliver.config"])
    p.add_argument("--max-attempts", type=int, default=8, help=t["deliver.attempts"])

    p = command("export", _cmd_export)
    p.add_argument("plan", metavar="PLAN", nargs="?", help=t["plan.db"])
    p.add_argument("--db", metavar="DB", help=t["db"])
    p.add_argument("--state", metavar="FILE", help=t["state"])
    p.add_argument("--format", metavar="NAME", help=t["export.format"])
    p.add_argument("-o", "--output", metavar="FILE", help=t["export.out"])
    p.add_argument("--at", metavar="DATETIME", help=t["export.at"])
    p.add_argument("--unit", metavar="UNIT", help=t["export.unit"])
    p.add_argument("--force", action="store_true", help=t["export.force"])
    p.add_argument("--list", action="store_true", help=t["export.list"])
    p.add_argument(
        "-O", "--option", action="append", default=[], metavar="KEY=VALUE",
        help=t["export.option"],
    )  # fmt: skip

    p = command("remind", _cmd_remind)
    p.add_argument("--db", metavar="DB", help=t["db"])
    p.add_argument("--plan", metavar="ID", help=t["verify.plan"])
    p.add_argument("--at", metavar="DATETIME", help=t["remind.at"])
    p.add_argument("--lead", type=int, default=3, help=t["remind.lead"])
    p.add_argument("--config", metavar="FILE", help=t["deliver.config"])

    p = command("outbox", _cmd_outbox)
    p.add_argument("--db", metavar="DB", help=t["db"])
    p.add_argument("--json", action="store_true", help=t["status.json"])

    p = command("import", _cmd_import)
    p.add_argument("document", metavar="DOC", help=t["import.doc"])
    p.add_argument("-o", "--output", metavar="FILE", help=t["import.out"])
    p.add_argument("--json", action="store_true", help=t["import.json"])
    p.add_argument("--units", metavar="FILE", help=t["import.units"])
    p.add_argument("--force", action="store_true", help=t["import.force"])
    p.add_argument("--format", choices=("markdown", "text", "docx"), help=t["import.format"])
    p.add_argument("--id", metavar="ID", help=t["import.id"])

    p = command("plugins", _cmd_plugins)
    p.add_argument("--all", action="store_true", help=t["plugins.all"])
    p.add_argument("--json", action="store_true", help=t["plugins.json"])

    if plugins is not None:

        class Registry:
            """What plugins' ``register_commands`` receive."""

            def add(
                self,
                name: str,
                help_en: str,
                help_vi: str,
                setup: Callable[[argparse.ArgumentParser], None],
                run: Callable[[argparse.Namespace, TextIO], int],
            ) -> None:
                text = help_vi if lang == "vi" else help_en
                p = sub.add_parser(name, help=text, description=text, add_help=False)
                p.add_argument("-h", "--help", action="help", help=t["help"])
                p.add_argument("--lang", choices=("vi", "en"), help=t["lang"])
                setup(p)
                p.set_defaults(func=run)

        plugins.hook.register_commands(cli=Registry())
    return root


# --- helpers ---------------------------------------------------------------------------


class _Failure(Exception):
    """A CLI-level error with its message already in the user's language."""


_CLOCK = (
    r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"|\s*(?:h|giờ)\s*(?:(?P<minutes>\d{1,2})\s*(?:phút)?)?)"
)
_DATE = r"(?:ngày\s+)?(?P<date>[^\s,]+)"
#: A Vietnamese moment: ``20/3/2023``, ``ngày 20/3/2023``, ``20/3/2023 9:00``,
#: ``ngày 20/3/2023 lúc 9h30``, ``9 giờ 30 ngày 20/3/2023``.
_MOMENT = (
    re.compile(rf"{_DATE}(?:\s*,?\s+(?:lúc\s+)?{_CLOCK})?"),
    re.compile(rf"(?:lúc\s+)?{_CLOCK}\s*,?\s+{_DATE}"),
)


def _parse_moment(value: str, lang: str, *, end_of_date: bool) -> datetime:
    """ISO date/datetime or Vietnamese ``15/9/2023``, ``ngày 15/9/2023 lúc 8:30``, … ;
    naive means Asia/Ho_Chi_Minh. Years must be within :data:`YEARS`.

    A bare date means the end of that day when ``end_of_date`` (status "as of"), else
    its start.
    """
    t = _T[lang]
    low, high = YEARS

    def bad(why: str = "") -> _Failure:
        return _Failure(t["bad_at"].format(value=value, why=f" ({why})" if why else ""))

    def check_year(year: int) -> None:
        if not low <= year <= high:
            raise _Failure(t["bad_year"].format(value=value, low=low, high=high))

    text = value.strip()
    if not text:
        raise bad()
    day: date | None = None
    moment: datetime | None = None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        with contextlib.suppress(ValueError):
            moment = datetime.fromisoformat(text)
    if day is None and moment is None:
        cleaned = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).casefold())
        found = next((m for p in _MOMENT if (m := p.fullmatch(cleaned))), None)
        if found is None:
            raise bad()
        year = re.search(r"\d{4}", found["date"])
        if year:
            check_year(int(year.group()))
        try:
            day = parse_date(found["date"])
        except TimePhraseError as exc:
            raise bad(exc.reason_vi if lang == "vi" else exc.reason_en) from None
        if found["hour"] is not None:
            minute = found["minute"] or found["minutes"] or 0
            try:
                clock = time(int(found["hour"]), int(minute), int(found["second"] or 0))
            except ValueError as exc:
                raise bad(str(exc) if lang == "en" else "giờ không hợp lệ") from None
            moment, day = datetime.combine(day, clock), None
    if moment is not None:
        check_year(moment.year)
        moment = as_local(moment)
        check_year(moment.year)  # an offset may move it across New Year
        return moment
    assert day is not None
    check_year(day.year)
    if end_of_date:
        return end_of_day(day) - timedelta(microseconds=1)
    return datetime.combine(day, time(0), tzinfo=ZONE)


def _state_path(args: argparse.Namespace) -> Path:
    if args.state:
        return Path(args.state)
    return Path(f"{args.plan}.events.jsonl")


def _db(args: argparse.Namespace) -> str | None:
    """The command's database: ``--db``, else ``$TUYENTRUYEN_DB`` (unless ``--state``
    chose a JSON-lines log); None means the JSON-lines log."""
    given = getattr(args, "db", None)
    if given is not None:
        if not given.strip():
            raise _Failure(_T[args.lang]["no_db"])
        return str(given)
    if getattr(args, "state", None):
        return None
    return os.environ.get(DB_ENV, "").strip() or None


def _require_db(args: argparse.Namespace) -> str:
    target = _db(args)
    if target is None:
        raise _Failure(_T[args.lang]["no_db"])
    return target


def _is_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def _sqlite_has_tables(path: Path) -> bool | None:
    """Whether the SQLite file at ``path`` holds tuyentruyen's tables; None when it cannot
    be told (not an SQLite file, unreadable: the store then says why). The file is
    opened read-only, so looking changes nothing, even in another program's database
    (nor creates -wal or -shm files beside it)."""
    try:
        store = SQLiteStore(path, migrate=False, read_only=True)
    except (StoreError, OSError, ValueError):
        return None
    try:
        return store.schema_version() > 0
    except StoreError:
        return None
    finally:
        store.close()


def _open_db(args: argparse.Namespace, target: str, *, create: bool) -> SQLStore:
    """The SQL store ``target`` names (closed when the command ends). Unless
    ``create`` (``init``), an SQLite file must exist and hold tuyentruyen's tables: a
    typo in a path does not leave an empty database behind."""
    t = _T[args.lang]
    where = mask_dsn(target)
    if not create and not _is_url(target):
        path = Path(target)
        if not path.exists():
            raise _Failure(t["db_missing"].format(db=where))
        if _sqlite_has_tables(path) is False:
            raise _Failure(t["db_empty"].format(db=where))
    try:
        store = open_store(target)
    except ImportError as exc:
        if not (exc.name or "").startswith("psycopg"):
            raise
        raise _Failure(t["no_psycopg"].format(db=where)) from None
    args.opened.append(store)
    return store


def _plan_id(value: str) -> str:
    """PLAN of a ``--db`` command: a plan file (an existing file, or a name ending in
    .yaml, .yml or .json) stands for its id; anything else is the id itself."""
    path = Path(value)
    if path.is_file() or path.suffix.lower() in (".yaml", ".yml", ".json"):
        return load_plan(path).id
    return value


def _tracker(args: argparse.Namespace, **kwargs: Any) -> Tracker:
    target = _db(args)
    if target is None:
        plan = load_plan(args.plan)
        return Tracker(plan, store=EventLogFile(_state_path(args)), clock=SystemClock(), **kwargs)
    store = _open_db(args, target, create=False)
    plan = store.load_plan(_known_plan(args, store, target, _plan_id(args.plan)))
    return Tracker(plan, store=store, clock=SystemClock(), **kwargs)


def _known_plan(args: argparse.Namespace, store: SQLStore, target: str, plan_id: str) -> str:
    """``plan_id``, once it is known to be in the database."""
    ids = store.plan_ids()
    if plan_id not in ids:
        raise _Failure(
            _T[args.lang]["no_plan"].format(
                db=mask_dsn(target), plan=plan_id, plans=", ".join(ids) or "-"
            )
        )
    return plan_id


def _day(d: date | None) -> str:
    return "-" if d is None else f"{d.day}/{d.month}/{d.year}"


#: ANSI colours of the official classes on a terminal (done on time green, in progress
#: on time blue, done late orange/yellow, overdue red, not started grey).
_ANSI = {
    "hoàn thành đúng hạn": "32", "done on time": "32",
    "đang thực hiện trong hạn": "34", "in progress, on time": "34",
    "hoàn thành quá hạn": "33", "done late": "33",
    "đang thực hiện quá hạn": "31", "in progress, overdue": "31",
    "chưa thực hiện": "90", "not started": "90",
}  # fmt: skip


def _table(
    rows: list[list[str]], out: TextIO, *, boxed: bool = False, colour: bool = False
) -> None:
    """Rows as an aligned table, the first row its header; ``boxed`` draws box lines
    around the cells (the demo), ``colour`` paints classification cells (a terminal)."""
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    if not boxed:
        for k, row in enumerate(rows):
            line = "  ".join(cell.ljust(widths[c]) for c, cell in enumerate(row)).rstrip()
            out.write(line + "\n")
            if k == 0:
                out.write("  ".join("-" * w for w in widths) + "\n")
        return

    def rule(left: str, mid: str, right: str) -> str:
        return left + mid.join("─" * (w + 2) for w in widths) + right + "\n"

    def paint(cell: str, width: int) -> str:
        code = _ANSI.get(cell.split(" (", 1)[0]) if colour else None
        padded = cell.ljust(width)
        return f"\x1b[{code}m{padded}\x1b[0m" if code else padded

    out.write(rule("┌", "┬", "┐"))
    for k, row in enumerate(rows):
        out.write("│ " + " │ ".join(paint(c, widths[i]) for i, c in enumerate(row)) + " │\n")
        if k == 0:
            out.write(rule("├", "┼", "┤"))
    out.write(rule("└", "┴", "┘"))


# --- commands --------------------------------------------------------------------------


def _count(n: int, lang: str, vi: str, en: str) -> str:
    """``n`` and its noun: Vietnamese has no plural, English adds an "s"."""
    if lang == "vi":
        return f"{n} {vi}"
    return f"{n} {en}" if n == 1 else f"{n} {en}s"


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    plan = load_plan(args.plan)
    lang = args.lang
    out.write(
        _T[lang]["ok"].format(
            plan=args.plan,
            tasks=_count(len(plan.tasks), lang, "nhiệm vụ", "task"),
            units=_count(len(plan.units), lang, "đơn vị", "unit"),
            rules=_count(len(plan.reporting), lang, "quy định báo cáo", "reporting rule"),
        )
        + "\n"
    )
    return EXIT_OK


def _cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    plan = load_plan(args.plan)
    if args.json:
        out.write(json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=2) + "\n")
    elif args.yaml:
        out.write(dump_plan(plan, "yaml"))
    else:
        _print_plan(plan, args.lang, out)
    return EXIT_OK


def _print_plan(plan: Plan, lang: str, out: TextIO) -> None:
    t = _T[lang]
    out.write(f"{plan.title}\n")
    if plan.reference:
        out.write(f"{'Số' if lang == 'vi' else 'No.'} {plan.reference}\n")
    out.write(f"{plan.unit_name(plan.issuer)}\n\n")
    rows = [
        [
            t["col.task"],
            t["col.lead"],
            t["col.deadline"],
            t["col.window"],
        ]
    ]
    for task in plan.tasks:
        rows.append(
            [
                task.id,
                plan.unit_name(task.lead),
                task.plan_due_text or _day(task.plan_due),
                task.window_text or f"{_day(task.window.start)} - {_day(task.window.end)}",
            ]
        )
    _table(rows, out)


def _status_json(
    tracker: Tracker, statuses: list[TaskStatus], summary: Summary, at: datetime
) -> dict[str, Any]:
    plan = tracker.plan
    tasks = []
    for st in statuses:
        tasks.append(
            {
                "id": st.task.id,
                "title": st.task.title,
                "lead": st.task.lead,
                "state": st.state,
                "classification": st.classification.value,
                "classification_vi": st.classification.label("vi"),
                "deadline": None
                if st.deadline is None
                else {"kind": st.deadline.kind, "day": st.deadline.day.isoformat()},
                "due_soon": st.due_soon,
                "blockers": [
                    {"task": b.task, "required": b.required, "state": b.state}
                    for b in tracker.blockers(st.task.id, at=at)
                ]
                if st.state in ("planned", "issued")
                else [],
            }
        )
    rows = []
    for row in (*summary.rows, summary.total):
        rows.append(
            {
                "unit": row.unit or None,
                "unit_name": plan.unit_name(row.unit) if row.unit else None,
                "total": row.total,
                "due": row.due,
                "done_on_time": row.done_on_time,
                "done_late": row.done_late,
                "not_done_on_time": row.not_done_on_time,
                "not_done_overdue": row.not_done_overdue,
                "cancelled": row.cancelled,
                "on_time_rate": row.on_time_rate,
            }
        )
    return {
        "plan": plan.id,
        "at": at.isoformat(),
        "tasks": tasks,
        "summary": rows[:-1],
        "total": rows[-1],
        "next_reports": [
            {"to": rule.to, "due": day.isoformat()} for rule, day in tracker.next_reports(at)
        ],
    }


def _cmd_status(args: argparse.Namespace, out: TextIO) -> int:
    tracker = _tracker(args)
    if args.at is None:
        at = tracker.clock.now()
    else:
        at = _parse_moment(args.at, args.lang, end_of_date=True)
    _print_status(tracker, at, args.lang, out, as_json=args.json)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from tuyentruyen.demo import AS_OF, DB_NAME, run_demo

    t = _T[args.lang]
    err = getattr(args, "err", sys.stderr)
    show = getattr(err, "isatty", lambda: False)()

    def progress(done: int, total: int) -> None:  # on a terminal only: stdout stays the same
        if show:
            bar = "█" * (30 * done // total) + "·" * (30 - 30 * done // total)
            err.write(f"\r{t['demo.progress']} {bar} {done}/{total}")
            if done == total:
                err.write("\r" + " " * (len(t["demo.progress"]) + 40) + "\r")
            err.flush()

    db = Path(args.out) / DB_NAME
    tracker = run_demo(Path(args.out), progress=progress, lang=args.lang)
    queued = len(tracker.store.outbox_keys(tracker.plan.id))  # type: ignore[attr-defined]
    out.write(t["demo.done"].format(events=len(tracker.events), path=db) + "\n")
    out.write(t["demo.queued"].format(count=queued, path=db) + "\n\n")
    colour = getattr(out, "isatty", lambda: False)() and "NO_COLOR" not in os.environ
    _print_status(
        tracker, as_local(AS_OF), args.lang, out, as_json=False, boxed=True, colour=colour
    )
    if args.no_export:
        return EXIT_OK
    return _demo_exports(tracker, Path(args.out), as_local(AS_OF), args.lang, out)


def _demo_exports(tracker: Tracker, folder: Path, at: datetime, lang: str, out: TextIO) -> int:
    """Write every installed export of the demo into ``folder`` and print the paths."""
    from tuyentruyen.export import export_to
    from tuyentruyen.plugins import collect

    t = _T[lang]
    out.write("\n" + t["demo.exports"].format(at=f"{at.day}/{at.month}/{at.year}") + "\n")
    status = EXIT_OK
    options = {"at": at, "unit": None, "lang": lang}
    taken: set[str] = set()
    for name, exporter in sorted(collect(get_plugin_manager(), "register_exporters").items()):
        suffix = getattr(exporter, "suffix", "") or f".{name}"
        if suffix in taken:  # two formats writing the same kind of file: keep both
            suffix = f".{name}{suffix}"
        taken.add(suffix)
        target = folder / f"{tracker.plan.id}{suffix}"
        try:
            export_to(exporter, tracker, target, options, force=True)
        except Exception as exc:  # one broken plugin must not hide the other files
            out.write("  " + t["demo.failed"].format(name=name, error=exc) + "\n")
            status = EXIT_FAILURE
            continue
        out.write(f"  {name:<10} {target}\n")
    return status


def _print_status(
    tracker: Tracker,
    at: datetime,
    lang: str,
    out: TextIO,
    *,
    as_json: bool,
    boxed: bool = False,
    colour: bool = False,
) -> None:
    t = _T[lang]
    statuses = tracker.status(at=at)
    summary = tracker.summary(at=at)
    if as_json:
        out.write(
            json.dumps(_status_json(tracker, statuses, summary, at), ensure_ascii=False, indent=2)
            + "\n"
        )
        return
    plan = tracker.plan
    out.write(
        t["as_of"].format(
            title=plan.title, at=format_date(at.date()) if lang == "vi" else at.date().isoformat()
        )
        + "\n\n"
    )
    rows = [[t["col.task"], t["col.state"], t["col.class"], t["col.deadline"], t["col.lead"]]]
    for st in statuses:
        klass = st.classification.label(lang)
        if st.due_soon:
            klass += f" ({t['due_soon']})"
        rows.append(
            [
                st.task.id,
                STATE_LABELS[lang][st.state],
                klass,
                "-" if st.deadline is None else st.deadline.label(lang),
                plan.unit_name(st.task.lead),
            ]
        )
    _table(rows, out, boxed=boxed, colour=colour)
    out.write(f"\n{t['summary']}\n")
    rows = [
        [
            t["col.unit"],
            t["col.total"],
            t["col.due"],
            t["col.done_on_time"],
            t["col.done_late"],
            t["col.open_on_time"],
            t["col.open_overdue"],
            t["col.rate"],
        ]
    ]
    for row in (*summary.rows, summary.total):
        rate = "-" if row.on_time_rate is None else f"{row.on_time_rate:g}"
        rows.append(
            [
                plan.unit_name(row.unit) if row.unit else t["total"],
                str(row.total),
                str(row.due),
                str(row.done_on_time),
                str(row.done_late),
                str(row.not_done_on_time),
                str(row.not_done_overdue),
                rate,
            ]
        )
    _table(rows, out, boxed=boxed, colour=colour)
    for rule, day in tracker.next_reports(at):
        out.write(
            "\n"
            + t["next_report"].format(
                day=format_date(day) if lang == "vi" else day.isoformat(),
                to=plan.unit_name(rule.to),
            )
            + "\n"
        )


def _cmd_fire(args: argparse.Namespace, out: TextIO) -> int:
    lang = args.lang
    data = None
    if args.data is not None:
        try:
            data = json.loads(args.data)
        except json.JSONDecodeError as exc:
            raise _Failure(_T[lang]["bad_json"].format(what=exc.msg)) from None
    at = None if args.at is None else _parse_moment(args.at, lang, end_of_date=False)
    tracker = _tracker(args, allow_future=args.allow_future)
    shared = isinstance(tracker.store, SQLStore)
    for attempt in range(1, FIRE_ATTEMPTS + 1):
        try:
            ev = tracker.fire(
                args.task,
                args.event,
                actor=args.actor,
                at=at,
                note=args.note,
                data=data,
                final=args.final,
            )
            break
        except Conflict:
            # Another writer changed the task between our read and our write; the
            # tracker has reloaded, so deciding again checks the event against the
            # task's new state (it may now be refused, which is the right answer).
            if not shared or attempt == FIRE_ATTEMPTS:
                raise
    out.write(
        _T[lang]["recorded"].format(
            seq=ev.seq,
            task=ev.task,
            source=_state_name(ev.source, lang, with_id=True),
            dest=_state_name(ev.dest, lang, with_id=True),
            event=_event_name(ev.event, lang, with_id=True),
            actor=ev.actor,
            at=ev.at.isoformat(),
        )
        + "\n"
    )
    return EXIT_OK


def _state_name(state: str, lang: str, *, with_id: bool = False) -> str:
    """A state for the user: its Vietnamese label (and id) or, in English, its id."""
    if lang == "en":
        return state
    label = STATE_LABELS["vi"].get(state, state)
    return f"{label} ({state})" if with_id and label != state else label


def _event_name(event: str, lang: str, *, with_id: bool = True) -> str:
    """An event for the user: its Vietnamese name (and id) or, in English, its id."""
    if lang == "en":
        return event
    label = EVENT_LABELS_VI.get(event, event)
    return f"{label} ({event})" if with_id and label != event else label


def _cmd_history(args: argparse.Namespace, out: TextIO) -> int:
    tracker = _tracker(args)
    events = tracker.history(args.task) if args.task else list(tracker.events)
    if args.json:
        out.write(
            json.dumps([event_to_dict(e) for e in events], ensure_ascii=False, indent=2) + "\n"
        )
        return EXIT_OK
    if not events:
        out.write(_T[args.lang]["no_events"] + "\n")
        return EXIT_OK
    _print_history(events, args.lang, out)
    return EXIT_OK


def _print_history(events: Sequence[Event], lang: str, out: TextIO) -> None:
    t = _T[lang]
    rows = [
        [
            t["col.seq"],
            t["col.at"],
            t["col.task"],
            t["col.event"],
            t["col.change"],
            t["col.actor"],
            t["col.note"],
        ]
    ]
    for e in events:
        rows.append(
            [
                f"#{e.seq}",
                e.at.isoformat(),
                e.task,
                _event_name(e.event, lang),
                f"{_state_name(e.source, lang)} -> {_state_name(e.dest, lang)}",
                e.actor,
                " ".join((e.note or "").split()),
            ]
        )
    _table(rows, out)


def _cmd_init(args: argparse.Namespace, out: TextIO) -> int:
    lang = args.lang
    target = _require_db(args)
    plan = load_plan(args.plan)
    store = _open_db(args, target, create=True)
    before = store.load_plan(plan.id) if plan.id in store.plan_ids() else None
    try:
        store.save_plan(plan)
    except PlanError as exc:
        if exc.source is None:  # name the plan file in the refusal
            raise PlanError(exc.problems, source=str(args.plan)) from None
        raise
    t = _T[lang]
    fields = {
        "db": mask_dsn(target),
        "plan": plan.id,
        "tasks": _count(len(plan.tasks), lang, "nhiệm vụ", "task"),
    }
    if before is None:
        line = t["init.new"].format(**fields)
    elif before == plan:
        line = t["init.same"].format(**fields)
    else:
        old = {task.id: task for task in before.tasks}
        new = {task.id: task for task in plan.tasks}
        line = t["init.updated"].format(
            **fields,
            added=len(new.keys() - old.keys()),
            removed=len(old.keys() - new.keys()),
            changed=sum(1 for k in new.keys() & old.keys() if new[k] != old[k]),
        )
    out.write(line + "\n")
    return EXIT_OK


#: Why ``verify`` found a link broken (:meth:`SQLStore.verify`'s words), in Vietnamese.
_VERIFY_VI: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), vi)
    for pattern, vi in (
        (r"no such plan", "không có kế hoạch này"),
        (r"event missing", "thiếu sự kiện (đã bị xóa hoặc đánh số lại)"),
        (r"prev_hash does not match", "prev_hash không khớp với hash của sự kiện trước"),
        (
            r"hash does not match the event",
            "hash không khớp với nội dung sự kiện (sự kiện đã bị sửa)",
        ),
        (r"source is not (.+)", r"trạng thái nguồn không phải \1"),
        (r"chain head does not match", "đầu chuỗi trong tt_plans không khớp với sự kiện cuối"),
        (
            r"task (.+) state differs from its events",
            r"trạng thái nhiệm vụ \1 khác với kết quả phát lại các sự kiện",
        ),
    )
)


def _verify_reason(reason: str, lang: str) -> str:
    if lang == "vi":
        for pattern, vi in _VERIFY_VI:
            found = pattern.fullmatch(reason)
            if found:
                return found.expand(vi)
    return reason


def _cmd_verify(args: argparse.Namespace, out: TextIO) -> int:
    lang = args.lang
    t = _T[lang]
    if args.database is not None and args.db is not None and args.database != args.db:
        raise _Failure(t["two_dbs"].format(first=mask_dsn(args.database), second=mask_dsn(args.db)))
    target = args.database if args.database is not None else _require_db(args)
    where = mask_dsn(target)
    store = _open_db(args, target, create=False)
    plan_id = None
    if args.plan is not None:
        plan_id = _known_plan(args, store, target, _plan_id(args.plan))
    report = store.verify(plan_id)
    if report.broken is None:
        out.write(
            t["verify.ok"].format(
                db=where,
                plans=_count(report.plans, lang, "kế hoạch", "plan"),
                events=_count(report.events, lang, "sự kiện", "event"),
            )
            + "\n"
        )
        return EXIT_OK
    plan, seq, reason = report.broken
    key = "verify.broken" if seq > 0 else "verify.broken_plan"
    out.write(
        t[key].format(db=where, plan=plan, seq=seq, reason=_verify_reason(reason, lang)) + "\n"
    )
    return EXIT_BROKEN


def _cmd_deliver(args: argparse.Namespace, out: TextIO) -> int:
    import time as clock

    from tuyentruyen.delivery import Deliverer, config_path, load_config, notifiers_from

    t = _T[args.lang]
    store = _open_db(args, _require_db(args), create=False)
    path = config_path(args.config)
    config = load_config(path) if path is not None else {}
    notifiers = notifiers_from(config, get_plugin_manager())
    report = Deliverer(
        store, notifiers, now=clock.time, max_attempts=args.max_attempts, lang=args.lang
    ).run()
    if not any((report.sent, report.retried, report.failed)):
        out.write(t["deliver.nothing"] + "\n")
    for backend in notifiers:
        counts = [report.sent.get(backend, 0), report.retried.get(backend, 0)]
        counts.append(report.failed.get(backend, 0))
        if any(counts):
            sent, retried, failed = counts
            line = t["deliver.done"].format(
                backend=backend, sent=sent, retried=retried, failed=failed
            )
            out.write(line + "\n")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    from tuyentruyen.export import export_to
    from tuyentruyen.plugins import collect

    t = _T[args.lang]
    formats = collect(get_plugin_manager(), "register_exporters")
    if args.list:
        for name in sorted(formats):
            out.write(f"{name}\t{getattr(formats[name], 'suffix', '')}\n")
        return EXIT_OK
    if not args.format or not args.output or not args.plan:
        raise _Failure(t["export.need"])
    exporter = formats.get(args.format)
    if exporter is None:
        raise _Failure(
            t["export.unknown"].format(name=args.format, known=", ".join(sorted(formats)))
        )
    tracker = _tracker(args)
    at = (
        tracker.clock.now()
        if args.at is None
        else _parse_moment(args.at, args.lang, end_of_date=True)
    )
    unit = None
    if args.unit is not None:
        found = tracker.plan.unit(args.unit)
        unit = found.id if found is not None else args.unit
    options: dict[str, Any] = {}
    for text in args.option:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise _Failure(t["export.badoption"].format(text=text))
        options[key.strip()] = value.strip()
    options.update({"at": at, "unit": unit, "lang": args.lang})
    path = export_to(exporter, tracker, args.output, options, force=args.force)
    out.write(t["export.done"].format(path=path) + "\n")
    return EXIT_OK


def _cmd_remind(args: argparse.Namespace, out: TextIO) -> int:
    from tuyentruyen.delivery import config_path, load_config
    from tuyentruyen.remind import due_keys, reminders
    from tuyentruyen.workdays import WorkCalendar

    t = _T[args.lang]
    target = _require_db(args)
    store = _open_db(args, target, create=False)
    path = config_path(args.config)
    config = load_config(path) if path is not None else {}
    calendar = WorkCalendar.from_config(config.get("calendar") or {})
    at = (
        SystemClock().now()
        if args.at is None
        else _parse_moment(args.at, args.lang, end_of_date=False)
    )
    ids = [_known_plan(args, store, target, args.plan)] if args.plan else store.plan_ids()
    for plan_id in ids:
        # The keys come from the task rows; the plan is loaded only to write new ones.
        keys = due_keys(store, plan_id, at, lead=args.lead, calendar=calendar)
        fresh = keys - store.outbox_keys(plan_id)
        new = 0
        if fresh:
            tracker = Tracker(store.load_plan(plan_id), store=store, clock=SystemClock())
            due = reminders(tracker, at, lead=args.lead, calendar=calendar, lang=args.lang)
            new = store.queue(
                plan_id, [(r.key, r.kind, r.payload()) for r in due if r.key in fresh]
            )
        out.write(t["remind.done"].format(plan=plan_id, new=new, due=len(keys)) + "\n")
    return EXIT_OK


def _cmd_outbox(args: argparse.Namespace, out: TextIO) -> int:
    t = _T[args.lang]
    store = _open_db(args, _require_db(args), create=False)
    rows = store.outbox_status()
    if args.json:
        keys = ("id", "plan", "seq", "kind", "backend", "status", "attempts", "error", "next_at")
        out.write(json.dumps([dict(zip(keys, r, strict=True)) for r in rows], ensure_ascii=False))
        out.write("\n")
        return EXIT_OK
    if not rows:
        out.write(t["outbox.empty"] + "\n")
    for oid, plan, seq, _kind, backend, status, attempts, error, _next in rows:
        shown = t.get(f"outbox.status.{status}", status)
        line = t["outbox.row"].format(
            id=oid, plan=plan, seq=seq, backend=backend, status=shown, attempts=attempts,
            error=f" – {error}" if error else "",
        )  # fmt: skip
        out.write(line + "\n")
    return EXIT_OK


def _cmd_plugins(args: argparse.Namespace, out: TextIO) -> int:
    t = _T[args.lang]
    found = [p for p in plugin_info(get_plugin_manager()) if args.all or p.status == "loaded"]
    if args.json:
        out.write(json.dumps([attrs.asdict(p) for p in found], ensure_ascii=False, indent=2))
        out.write("\n")
        return EXIT_OK
    if not found:
        out.write(t["plugins.none"] + "\n")
    for p in found:
        status = t[f"plugins.{p.status}"].format(error=p.error)
        hooks = ", ".join(p.hooks) or "-"
        out.write(
            f"{p.name}{status}: {p.distribution} {p.version}; {t['plugins.hooks']}: {hooks}\n"
        )
    return EXIT_OK


def _cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from tuyentruyen.importer import import_document
    from tuyentruyen.importer.units import load_units_file

    lang = args.lang
    t = _T[lang]
    err: TextIO = getattr(args, "err", None) or sys.stderr
    if args.output and os.path.lexists(args.output) and not args.force:
        raise _Failure(t["import.exists"].format(path=args.output))
    units = load_units_file(args.units) if args.units else ()
    result = import_document(args.document, fmt=args.format, units=units, plan_id=args.id)
    for line in result.report.lines(lang):
        err.write(f"{line}\n")
    plan = result.plan
    if plan is None:
        err.write(t["import.nothing"].format(doc=args.document) + "\n")
        return result.status
    if args.json:
        text = json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=2) + "\n"
    else:
        text = dump_plan(plan, "yaml")
    err.write(
        t["import.summary"].format(
            doc=args.document,
            tasks=_count(len(plan.tasks), lang, "nhiệm vụ", "task"),
            findings=_count(len(result.report.warnings), lang, "điểm cần xem", "finding"),
        )
        + "\n"
    )
    if args.output:
        target = Path(args.output)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, target)
        finally:
            with contextlib.suppress(OSError):
                temporary.unlink()
        out.write(t["import.done"].format(path=args.output) + "\n")
    else:
        out.write(text)
    return result.status


def _cmd_lifecycle(args: argparse.Namespace, out: TextIO) -> int:
    out.write(diagram(args.format).rstrip() + "\n")
    return EXIT_OK


# --- entry point -----------------------------------------------------------------------


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the CLI; returns the exit status (0 ok, 2 bad input, 1 internal error,
    141 when the reader of the output went away)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        code = _run(list(sys.argv[1:] if argv is None else argv), out, err)
        out.flush()  # here, so that a closed pipe is noticed now and not at exit
    except BrokenPipeError:
        _silence(out)
        return EXIT_BROKEN_PIPE
    return code


def _silence(stream: TextIO) -> None:
    """Point ``stream``'s file descriptor at the null device, so that Python's final
    flush at exit has somewhere to write what is left in the buffer and does not
    report the broken pipe again. Streams without a descriptor are left alone."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _run(argv: list[str], out: TextIO, err: TextIO) -> int:
    lang = _pick_lang(argv)
    t = _T[lang]
    try:
        plugins = get_plugin_manager()
    except TuyenTruyenError as exc:  # a plugin with a misspelled hook: say which, once
        for line in exc.lines(lang):
            err.write(f"{t['error']}: {line}\n")
        return EXIT_USAGE
    parser = build_parser(lang, plugins)
    try:
        with contextlib.redirect_stdout(out):  # --help and --version write to stdout
            args = parser.parse_args(argv)
    except _UsageError as exc:
        err.write(f"{exc}\n")
        return EXIT_USAGE
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    args.lang = lang
    if not getattr(args, "func", None):
        parser.print_help(out)
        return EXIT_USAGE
    args.opened = []  # stores the command opened, closed below
    args.err = err  # commands that report on standard error (import)

    def fail(line: str) -> None:
        # A database URL in a message never shows its password.
        err.write(f"{t['error']}: {mask_dsn(line)}\n")

    try:
        return int(args.func(args, out))
    except TuyenTruyenError as exc:
        for line in exc.lines(lang):
            fail(line)
        return EXIT_USAGE
    except _Failure as exc:
        fail(str(exc))
        return EXIT_USAGE
    except BrokenPipeError:
        raise  # handled in main
    except OSError as exc:
        en, vi = os_error_reason(exc)
        what = vi if lang == "vi" else en
        where = os.fsdecode(exc.filename) if isinstance(exc.filename, str | bytes) else ""
        fail(t["io"].format(path=where, what=what) if where else what)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("TUYENTRUYEN_DEBUG"):
            raise
        fail(t["internal"].format(what=f"{type(exc).__name__}: {exc}"))
        return EXIT_FAILURE
    finally:
        for store in args.opened:
            with contextlib.suppress(Exception):
                store.close()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
