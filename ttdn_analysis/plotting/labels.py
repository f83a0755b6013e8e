"""Interface labels of notebooks and reports (Vietnamese and English)."""
from __future__ import annotations

from typing import Any

import pandas as pd

from ttdn_analysis.plotting.notebook import _missing

__all__ = ["LABELS", "labels", "theme_labels", "agency_type_label", "plan_labels"]

#: Interface text of the notebooks and reports, Vietnamese (``"vi"``, default) and English (``"en"``).
LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "report_01": "Tổng quan bộ kế hoạch thông tin đối ngoại",
        "report_02": "Mạng lưới phối hợp giữa các cơ quan",
        "report_03": "Mức độ đề cập các chủ đề",
        "report_04": "Bản tóm tắt cho lãnh đạo",
        "generated": "Ngày tạo (UTC)",
        "codebook": "Phiên bản bộ mã chủ đề",
        "files_used": "Các tệp kế hoạch được sử dụng",
        "file": "Tệp",
        "sha256": "Mã băm SHA-256",
        "province": "Tỉnh",
        "year": "Năm",
        "plan": "Kế hoạch",
        "plans": "Danh sách kế hoạch",
        "issuer": "Cơ quan ban hành",
        "level": "Cấp",
        "number": "Số hiệu",
        "date": "Ngày ký",
        "title": "Trích yếu",
        "tasks": "Nhiệm vụ",
        "assignments": "Lượt phân công",
        "agencies": "Cơ quan",
        "problems": "Vấn đề",
        "counts": "Số nhiệm vụ và lượt phân công theo kế hoạch",
        "task_list": "Danh sách nhiệm vụ",
        "path": "Mục",
        "lines": "Dòng",
        "lead": "Chủ trì",
        "support": "Phối hợp",
        "quality": "Kiểm tra chất lượng dữ liệu",
        "problems_by_kind": "Vấn đề theo loại",
        "kind": "Loại",
        "severity": "Mức độ",
        "count": "Số lượng",
        "message": "Nội dung",
        "line": "Dòng",
        "unknown_agencies": "Cơ quan chưa có trong danh mục",
        "unplaced": "Dòng chưa được xếp vào nhiệm vụ nào",
        "none": "Không có.",
        "agency_types": "Cơ quan theo loại",
        "agency_type": "Loại cơ quan",
        "distinct_agencies": "Số cơ quan",
        "networks": "Mạng phối hợp theo tỉnh",
        "coassign_title": "{province}: các cơ quan cùng được giao nhiệm vụ",
        "leadsupport": "Quan hệ chủ trì → phối hợp",
        "leadsupport_title": "{province}: chủ trì → phối hợp",
        "centrality": "Các cơ quan trung tâm (10 cơ quan đứng đầu mỗi tỉnh)",
        "network_summary": "Chỉ số mạng theo tỉnh",
        "compare": "So sánh mạng giữa các tỉnh",
        "reading": "Điểm khác biệt chính",
        "no_network": "Không có phân công nào để vẽ mạng.",
        "need_two": "Cần ít nhất hai tỉnh để so sánh.",
        "coverage": "Tỷ lệ nhiệm vụ đề cập từng chủ đề (tỉnh × năm)",
        "shares": "Cơ cấu chủ đề trong các lượt đề cập",
        "share": "Tỷ lệ",
        "theme": "Chủ đề",
        "keyness": "Từ đặc trưng của từng tỉnh (log-likelihood G²)",
        "kwic": "Trích dẫn theo chủ đề (từ khóa trong ngữ cảnh)",
        "kwic_more": "Hiển thị {shown}/{total} trích dẫn.",
        "left": "Trước",
        "match": "Từ khóa",
        "right": "Sau",
        "validation": "Đối chiếu với bộ mã hóa thủ công",
        "no_themes": "Chưa có dữ liệu chủ đề.",
        "themes_missing": "Chưa có mô-đun chủ đề (ttdn_analysis.themes).",
        "term": "Từ",
        "g2": "G²",
        "group": "Tỉnh – năm",
        "density": "Mật độ mạng",
        "top_lead": "Cơ quan chủ trì nhiều nhiệm vụ nhất",
        "tasks_led": "Số nhiệm vụ chủ trì",
        "tasks_per_plan": "Số nhiệm vụ theo kế hoạch",
        "agencies_per_plan": "Số cơ quan được giao việc theo kế hoạch",
        "theme_coverage": "Tỷ lệ nhiệm vụ đề cập chủ đề, theo tỉnh và năm",
        "density_by_province": "Mật độ mạng phối hợp theo tỉnh",
        "no_data": "Không có dữ liệu.",
        "province_level": "tỉnh",
        "department_level": "sở, ngành",
        "n_plans": "Số kế hoạch",
        "agency": "Cơ quan",
        "edges": "Liên kết",
        "components": "Thành phần liên thông",
        "communities": "Cộng đồng",
        "modularity": "Độ mô-đun",
        "degree": "Bậc",
        "weighted_degree": "Bậc có trọng số",
        "betweenness": "Độ trung gian",
        "eigenvector": "Vector riêng",
        "community": "Cộng đồng",
        "rank": "Hạng",
        "central_in": "Trung tâm ở",
        "absent_from": "Vắng mặt ở",
        "central_absent": "Cơ quan trung tâm ở một tỉnh nhưng vắng mặt ở tỉnh khác",
        "other_problems": "Các vấn đề khác",
        "gold_missing": "Không tìm thấy tệp mã hóa thủ công ({name}); bỏ qua bước đối chiếu.",
        "gold_not_in_corpus": "Kế hoạch của tệp mã hóa thủ công ({name}) không có trong bộ dữ liệu này; bỏ qua bước đối chiếu.",
        "no_validate": "Mô-đun chủ đề không có hàm validate; bỏ qua bước đối chiếu.",
        "plans_led": "Số kế hoạch",
    },
    "en": {
        "report_01": "Overview of the foreign-information plans",
        "report_02": "Agency co-operation networks",
        "report_03": "Theme coverage",
        "report_04": "Leadership brief",
        "generated": "Generated (UTC)",
        "codebook": "Theme codebook version",
        "files_used": "Plan files used",
        "file": "File",
        "sha256": "SHA-256",
        "province": "Province",
        "year": "Year",
        "plan": "Plan",
        "plans": "Plans",
        "issuer": "Issuer",
        "level": "Level",
        "number": "Number",
        "date": "Signed",
        "title": "Title",
        "tasks": "Tasks",
        "assignments": "Assignments",
        "agencies": "Agencies",
        "problems": "Problems",
        "counts": "Tasks and assignments per plan",
        "task_list": "Tasks",
        "path": "Item",
        "lines": "Lines",
        "lead": "Lead",
        "support": "Support",
        "quality": "Data-quality audit",
        "problems_by_kind": "Problems by kind",
        "kind": "Kind",
        "severity": "Severity",
        "count": "Count",
        "message": "Message",
        "line": "Line",
        "unknown_agencies": "Agencies not in the registry",
        "unplaced": "Lines not placed in any task",
        "none": "None.",
        "agency_types": "Agencies by type",
        "agency_type": "Agency type",
        "distinct_agencies": "Agencies",
        "networks": "Co-assignment networks by province",
        "coassign_title": "{province}: agencies assigned to the same tasks",
        "leadsupport": "Lead → support relations",
        "leadsupport_title": "{province}: lead → support",
        "centrality": "Central agencies (top 10 per province)",
        "network_summary": "Network figures by province",
        "compare": "Comparing provinces' networks",
        "reading": "What differs",
        "no_network": "No assignments to draw a network from.",
        "need_two": "At least two provinces are needed for a comparison.",
        "coverage": "Share of tasks mentioning each theme (province × year)",
        "shares": "Theme mix of all mentions",
        "share": "Share",
        "theme": "Theme",
        "keyness": "Words typical of each province (log-likelihood G²)",
        "kwic": "Quotations by theme (keyword in context)",
        "kwic_more": "Showing {shown} of {total} quotations.",
        "left": "Before",
        "match": "Keyword",
        "right": "After",
        "validation": "Check against the hand-coded reference",
        "no_themes": "No theme data yet.",
        "themes_missing": "The themes module (ttdn_analysis.themes) is not available.",
        "term": "Word",
        "g2": "G²",
        "group": "Province – year",
        "density": "Network density",
        "top_lead": "Agencies leading the most tasks",
        "tasks_led": "Tasks led",
        "tasks_per_plan": "Tasks per plan",
        "agencies_per_plan": "Agencies assigned per plan",
        "theme_coverage": "Share of tasks mentioning each theme, by province and year",
        "density_by_province": "Density of the co-operation network by province",
        "no_data": "No data.",
        "province_level": "province",
        "department_level": "department",
        "n_plans": "Plans",
        "agency": "Agency",
        "edges": "Links",
        "components": "Components",
        "communities": "Communities",
        "modularity": "Modularity",
        "degree": "Degree",
        "weighted_degree": "Weighted degree",
        "betweenness": "Betweenness",
        "eigenvector": "Eigenvector",
        "community": "Community",
        "rank": "Rank",
        "central_in": "Central in",
        "absent_from": "Absent from",
        "central_absent": "Agencies central in one province but absent from another",
        "other_problems": "Other problems",
        "gold_missing": "Hand-coded reference not found ({name}); validation skipped.",
        "gold_not_in_corpus": "The plan of the hand-coded reference ({name}) is not in this corpus; validation skipped.",
        "no_validate": "The themes module has no validate function; validation skipped.",
        "plans_led": "Plans",
    },
}


def labels(lang: str = "vi") -> dict[str, str]:
    """The interface labels for *lang*.

    Examples
    --------
    >>> labels("en")["tasks"], labels()["tasks"]
    ('Tasks', 'Nhiệm vụ')
    """
    if lang not in LABELS:
        raise ValueError(f"lang must be one of {sorted(LABELS)}, got {lang!r}")
    return LABELS[lang]


def theme_labels(lang: str = "vi") -> dict[str, str]:
    """Theme key -> display label from the codebook (empty when the themes module is unavailable).

    Examples
    --------
    >>> theme_labels("en").get("border")
    'Land border'
    """
    labels(lang)
    try:
        from ttdn_analysis.registry.codebook import load_codebook
        cb = load_codebook()
    except Exception:  # the codebook is optional for the reports
        return {}
    return {t.key: (t.label_en if lang == "en" else t.label_vi) for t in cb.themes}


def agency_type_label(agency_type: Any, lang: str = "vi") -> str:
    """Display name of an agency type (the key itself when unknown).

    Examples
    --------
    >>> agency_type_label("media", "en")
    'Media'
    """
    labels(lang)
    try:
        from ttdn_analysis.plotting.network import AGENCY_TYPE_LABELS
        names = AGENCY_TYPE_LABELS.get(lang, {})
    except Exception:
        names = {}
    key = "unknown" if agency_type is None or (isinstance(agency_type, float) and pd.isna(agency_type)) \
        else str(agency_type)
    return names.get(key, key)


def plan_labels(plans: pd.DataFrame) -> dict[str, str]:
    """plan_id -> short readable name "Province Year · Issuer" (plain text, not escaped).

    Examples
    --------
    >>> p = pd.DataFrame({"plan_id": ["a"], "province": ["Gia Lai"], "year": [2025], "issuer": ["UBND tỉnh Gia Lai"]})
    >>> plan_labels(p)
    {'a': 'Gia Lai 2025 · UBND tỉnh Gia Lai'}
    """
    out = {}
    for r in plans.itertuples(index=False):
        parts = [str(v) for v in (getattr(r, "province", None), getattr(r, "year", None)) if not _missing(v)]
        name = " ".join(parts) or str(r.plan_id)
        issuer = getattr(r, "issuer", None)
        out[r.plan_id] = f"{name} · {issuer}" if not _missing(issuer) else name
    # two plans of one issuer and year keep apart
    seen: dict[str, int] = {}
    for v in out.values():
        seen[v] = seen.get(v, 0) + 1
    return {k: (f"{v} ({k})" if seen[v] > 1 else v) for k, v in out.items()}
