"""The Vietnamese message, the addresses and the contacts file the tests use."""

from __future__ import annotations

from email.header import decode_header, make_header
from email.message import EmailMessage
from typing import Any

from tuyentruyen.notify import Message

SUBJECT = "Nhắc việc: nhiệm vụ 2.6 sắp đến hạn ngày 15/9/2023"
BODY = (
    "Kính gửi Phòng Tuyên truyền - Báo chí - Xuất bản,\n"
    "\n"
    "Nhiệm vụ 2.6 «Tuyên truyền trên báo chí, xuất bản phẩm» của Kế hoạch "
    "kỷ niệm 60 năm thành lập tỉnh Quảng Ninh sắp đến hạn ngày 15/9/2023.\n"
    "Đề nghị đơn vị báo cáo kết quả thực hiện trước thời hạn.\n"
)
SENDER = "Ban Tuyên giáo Tỉnh ủy <thongbao@btgtu.example.vn>"
CONTACTS = """\
[units]
tt-bc-xb = ["Phòng Tuyên truyền - Báo chí - Xuất bản <ttbcxb@example.vn>"]
btgtu = { name = "Ban Tuyên giáo Tỉnh ủy", addresses = ["vanphong@btgtu.example.vn", \
"lanhdao@btgtu.example.vn"] }
tt-th = "ttth@example.vn"
"""
USER = "thongbao@btgtu.example.vn"
PASSWORD = "Bi-mat-2023!"
PASSWORD_VI = "mật-khẩu-bí-mật-2023"


def make_message(units: tuple[str, ...] = ("tt-bc-xb", "btgtu"), **kw: Any) -> Message:
    values: dict[str, Any] = {
        "id": "qn-60-nam/due_soon/2.6/2023-09-15",
        "kind": "due_soon",
        "plan": "qn-60-nam",
        "units": units,
        "subject": SUBJECT,
        "body": BODY,
        "task": "2.6",
        "data": {"due": "2023-09-15"},
    }
    values.update(kw)
    return Message(**values)


def decoded(email: EmailMessage, name: str) -> str:
    """Header ``name`` of ``email`` decoded as RFC 2047 says (section 6.2: the space
    between two adjacent encoded words is dropped). Address headers need this on
    Python versions whose header parser keeps that space in display names
    (CPython gh-128110), where ``email[name]`` would read "Xuất b ản"."""
    (raw,) = [value for key, value in email.raw_items() if key.lower() == name.lower()]
    return str(make_header(decode_header(raw)))
