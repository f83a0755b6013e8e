"""What kind of plan a document is: the yearly TTĐN plan, an implementation plan of a named instrument, or a
multi-year programme — read from its title, overridable in the manifest (column ``kind``)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ttdn_analysis.schema import PLAN_KINDS
from ttdn_analysis.text import match_key

__all__ = ["PLAN_KINDS", "PlanKind", "classify_plan", "plan_kind"]


# An instrument the plan puts into effect: a verb, then within a few words a document type and its number.
# A department implementing the province's yearly plan ("Thực hiện Kế hoạch số 2193/KH-UBND … năm 2024") is
# still an annual plan, so "kế hoạch" is not an instrument here.
_IMPLEMENTS_RE = re.compile(
    r"(?<![^\W_])(?:triển khai|thực hiện|quán triệt)(?:\s+[^\W\d_]+){0,4}?\s+"
    r"(?P<ref>(?:nghị quyết|quyết định|chỉ thị|kết luận|nghị định|luật|đề án|chiến lược|thông báo kết luận)"
    r"(?:\s+số)?\s+(?P<num>\d+[\w/.\-đ]*))")
# Several years: "giai đoạn 2021 - 2025", "2023-2025", "từ năm 2024 đến năm 2026".
_RANGE_RE = re.compile(r"(?<!\d)(?P<a>(?:19|20)\d\d)\s*[-–—]\s*(?P<b>(?:19|20)\d\d)(?!\d)"
                       r"|từ năm\s+(?P<c>(?:19|20)\d\d)\s+đến năm\s+(?P<d>(?:19|20)\d\d)")
_YEAR_RE = re.compile(r"(?<![^\W_])năm\s+(?:19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class PlanKind:
    """A plan's kind (one of :data:`PLAN_KINDS`, or None when the title says nothing) and why."""

    kind: str | None
    reason: str


def classify_plan(title: str | None, override: str | None = None) -> PlanKind:
    """Classify a plan by its title.

    Rules, in this order: a manifest value (*override*) that is one of :data:`PLAN_KINDS`; ``implementation``
    when the title puts a named instrument into effect ("triển khai / thực hiện / quán triệt" + Nghị quyết,
    Quyết định, Chỉ thị, Kết luận, Nghị định, Luật, Đề án, Chiến lược with its number); ``programme`` when the
    title spans several years (a year range, "từ năm … đến năm …"); ``annual`` when it names one year
    ("năm 2025"). Otherwise the kind is unknown (None): set it in the manifest.

    Parameters
    ----------
    title : str or None
        The plan's title (trích yếu) as read from its header or the manifest.
    override : str or None
        The manifest's ``kind`` for this file; ignored unless it is one of :data:`PLAN_KINDS`.

    Returns
    -------
    PlanKind

    Examples
    --------
    >>> classify_plan("Kế hoạch 143/KH-UBND năm 2024 triển khai Nghị quyết 47/NQ-CP về Chương trình hành động "
    ...               "của Chính phủ đến năm 2030").kind
    'implementation'
    >>> classify_plan("Hoạt động thông tin đối ngoại tỉnh Đồng Nai năm 2024").kind
    'annual'
    >>> classify_plan("Truyền thông quảng bá hình ảnh tỉnh ra nước ngoài giai đoạn 2023-2025").kind
    'programme'
    >>> classify_plan("Công tác thông tin đối ngoại năm 2024", override="programme").reason
    'set in the manifest'
    >>> classify_plan(None).kind is None
    True
    """
    if isinstance(override, str) and override.strip().lower() in PLAN_KINDS:
        return PlanKind(override.strip().lower(), "set in the manifest")
    key = match_key(title) if isinstance(title, str) else ""
    if not key:
        return PlanKind(None, "no title to read the kind from")
    m = _IMPLEMENTS_RE.search(key)
    if m:
        return PlanKind("implementation", f"the title implements {m.group('ref')}")
    for r in _RANGE_RE.finditer(key):
        a, b = (r.group("a"), r.group("b")) if r.group("a") else (r.group("c"), r.group("d"))
        if int(b) > int(a):
            return PlanKind("programme", f"the title spans {a}-{b}")
    if _YEAR_RE.search(key):
        return PlanKind("annual", "the title names one year")
    return PlanKind(None, "the title names neither a year nor an instrument it implements")


def plan_kind(title: str | None, override: str | None = None) -> str | None:
    """The kind of a plan (see :func:`classify_plan`), for the ``plans.kind`` column.

    Examples
    --------
    >>> plan_kind("Công tác thông tin đối ngoại năm 2024")
    'annual'
    """
    return classify_plan(title, override).kind
