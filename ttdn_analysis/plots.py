"""Plotly figures, display helpers and bilingual labels for the notebooks and HTML reports."""
from __future__ import annotations

import hashlib
import html
import itertools
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.io._base_renderers import NotebookRenderer

__all__ = [
    "LABELS",
    "RENDERER",
    "OfflineNotebookRenderer",
    "setup_plotly",
    "labels",
    "theme_labels",
    "agency_type_label",
    "plan_labels",
    "esc",
    "number",
    "percent",
    "heading",
    "markdown",
    "html_table",
    "bar_figure",
    "heatmap_figure",
    "stacked_share_figure",
    "keyness_figure",
]

#: Name under which :func:`setup_plotly` registers :class:`OfflineNotebookRenderer`.
RENDERER = "ttdn_offline"

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
        from .themes import load_codebook
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
        from .graphs import AGENCY_TYPE_LABELS
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


def _missing(v: Any) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def esc(value: Any) -> str:
    """HTML-escaped text of *value* ("" for missing values).

    Examples
    --------
    >>> esc("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    """
    return "" if _missing(value) else html.escape(str(value))


def number(value: float, lang: str = "vi", digits: int = 2) -> str:
    """*value* with *digits* decimals, decimal comma in Vietnamese.

    Examples
    --------
    >>> number(0.256, "vi"), number(0.256, "en"), number(3, "vi", 0)
    ('0,26', '0.26', '3')
    """
    text = f"{float(value):.{digits}f}"
    return text.replace(".", ",") if lang == "vi" else text


def percent(value: float, lang: str = "vi") -> str:
    """*value* (a share) as a whole percentage.

    Examples
    --------
    >>> percent(0.256), percent(1.0, "en")
    ('26%', '100%')
    """
    return f"{float(value) * 100:.0f}%"


# --------------------------------------------------------------------------- display


def heading(text: str, level: int = 2):
    """An HTML heading (text escaped) for ``IPython.display.display``."""
    from IPython.display import HTML
    return HTML(f"<h{level}>{esc(text)}</h{level}>")


def markdown(template: str, **values: Any):
    """Markdown from a trusted *template* with every value HTML-escaped before it is filled in.

    Examples
    --------
    >>> markdown("**{a}**", a="<b>x</b>").data
    '**&lt;b&gt;x&lt;/b&gt;**'
    """
    from IPython.display import Markdown
    return Markdown(template.format(**{k: esc(v) for k, v in values.items()}))


def html_table(df: pd.DataFrame, columns: Mapping[str, str] | None = None, max_rows: int | None = None,
               float_format: str = "{:.3f}"):
    """A DataFrame as an escaped HTML table (``to_html(escape=True)``), columns optionally renamed.

    Examples
    --------
    >>> t = html_table(pd.DataFrame({"a": ["<img src=x onerror=alert(1)>"]}))
    >>> "<img" in t.data, "&lt;img" in t.data
    (False, True)
    >>> "None" in html_table(pd.DataFrame({"a": [None, "x"]})).data
    False
    """
    from IPython.display import HTML
    d = df if max_rows is None else df.head(max_rows)
    if columns:
        d = d[[c for c in columns if c in d.columns]].rename(columns=dict(columns))
    d = d.copy()
    for c in d.columns:
        if d[c].dtype == object or str(d[c].dtype).startswith(("Int", "string")):
            d[c] = d[c].map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple))
                            else ("" if _missing(v) else v)).astype(object)
    body = d.to_html(escape=True, index=False, border=0, na_rep="", classes="ttdn-table",
                     float_format=lambda x: float_format.format(x))
    return HTML(body)


# --------------------------------------------------------------------------- plotly renderer


class OfflineNotebookRenderer(NotebookRenderer):
    """plotly's ``"notebook"`` renderer without any network use and with stable element ids.

    Like ``"notebook"``, activating it displays plotly.js once (embedded, not from a CDN); each figure is then a
    small ``<div>`` and script. Unlike it, figures load no MathJax from a CDN and their ``<div>`` ids are
    ``ttdn-fig-<n>-<hash of the figure>`` instead of random UUIDs, so the same notebook gives the same HTML.
    """

    def __init__(self, height: int = 520) -> None:
        super().__init__(connected=False)
        self.height = height
        self._counter = itertools.count(1)

    def to_mimebundle(self, fig_dict: dict) -> dict[str, str]:
        from plotly.io import to_html

        digest = hashlib.sha256(json.dumps(fig_dict, sort_keys=True, default=str).encode()).hexdigest()[:10]
        div_id = f"ttdn-fig-{next(self._counter)}-{digest}"
        out = to_html(fig_dict, config=self.config, include_plotlyjs=False, include_mathjax=False,
                      full_html=False, default_width="100%", default_height=self.height, validate=False,
                      div_id=div_id)
        return {"text/html": out}


def setup_plotly() -> str:
    """Register :class:`OfflineNotebookRenderer` as ``"ttdn_offline"`` and return that name.

    Use as ``pio.renderers.default = plots.setup_plotly()``: the assignment activates the renderer, which
    embeds plotly.js in the output of that cell (once per notebook).

    Examples
    --------
    >>> setup_plotly()
    'ttdn_offline'
    """
    if RENDERER not in pio.renderers:
        pio.renderers[RENDERER] = OfflineNotebookRenderer()
    return RENDERER


# --------------------------------------------------------------------------- figures


def _layout(fig: go.Figure, title: str, height: int | None = None) -> go.Figure:
    fig.update_layout(title=esc(title) or None, template="plotly_white",
                      margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
                      font={"family": "Arial, 'Noto Sans', sans-serif"})
    if height:
        fig.update_layout(height=height)
    return fig


def bar_figure(df: pd.DataFrame, x: str, y: str | Sequence[str], title: str = "",
               names: Mapping[str, str] | None = None, horizontal: bool = False, height: int | None = None,
               barmode: str = "group") -> go.Figure:
    """Bar chart of one or more numeric columns *y* against the categories in *x* (labels escaped).

    Examples
    --------
    >>> df = pd.DataFrame({"plan": ["<b>", "B"], "tasks": [3, 1]})
    >>> fig = bar_figure(df, "plan", "tasks")
    >>> list(fig.data[0].x)
    ['&lt;b&gt;', 'B']
    """
    ys = [y] if isinstance(y, str) else list(y)
    names = dict(names or {})
    cats = [esc(v) for v in df[x]]
    fig = go.Figure()
    for col in ys:
        vals = df[col].tolist()
        name = esc(names.get(col, col))
        if horizontal:
            fig.add_trace(go.Bar(y=cats, x=vals, name=name, orientation="h"))
        else:
            fig.add_trace(go.Bar(x=cats, y=vals, name=name))
    fig.update_layout(barmode=barmode, showlegend=len(ys) > 1)
    if horizontal:
        fig.update_yaxes(autorange="reversed", automargin=True)
    else:
        fig.update_xaxes(automargin=True)
    return _layout(fig, title, height)


def heatmap_figure(matrix: pd.DataFrame, title: str = "", zlabel: str = "", percent: bool = True,
                   height: int | None = None) -> go.Figure:
    """Heatmap of a numeric table (rows = index, columns = columns), cell values written in the cells.

    A MultiIndex of rows (e.g. province, year) is joined with " – ".

    Examples
    --------
    >>> m = pd.DataFrame({"a": [0.5, 0.0]}, index=["x", "y"])
    >>> [list(r) for r in heatmap_figure(m).data[0].text]
    [['50%'], ['0%']]
    """
    rows = [" – ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in matrix.index]
    z = matrix.to_numpy(dtype=float)
    text = [[(f"{v:.0%}" if percent else f"{v:g}") for v in row] for row in z]
    fig = go.Figure(go.Heatmap(
        z=z, x=[esc(c) for c in matrix.columns], y=[esc(r) for r in rows], text=text, texttemplate="%{text}",
        colorscale="Blues", zmin=0, zmax=1 if percent else None, colorbar={"title": esc(zlabel)},
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(automargin=True, tickangle=-35)
    return _layout(fig, title, height or max(300, 60 + 40 * len(rows)))


def stacked_share_figure(matrix: pd.DataFrame, title: str = "", xlabel: str = "",
                         height: int | None = None) -> go.Figure:
    """Horizontal stacked bars: each row of *matrix* (counts) as shares summing to 1.

    Examples
    --------
    >>> m = pd.DataFrame({"a": [1, 0], "b": [3, 2]}, index=["x", "y"])
    >>> [list(t.x) for t in stacked_share_figure(m).data]
    [[0.25, 0.0], [0.75, 1.0]]
    """
    rows = [" – ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in matrix.index]
    totals = matrix.sum(axis=1).replace(0, float("nan"))
    shares = matrix.div(totals, axis=0).fillna(0.0)
    fig = go.Figure()
    for col in shares.columns:
        fig.add_trace(go.Bar(y=[esc(r) for r in rows], x=shares[col].round(4).tolist(), name=esc(col),
                             orientation="h", hovertemplate="%{y}<br>" + esc(col) + ": %{x:.0%}<extra></extra>"))
    fig.update_layout(barmode="stack", xaxis={"tickformat": ".0%", "range": [0, 1], "title": esc(xlabel)})
    fig.update_yaxes(autorange="reversed", automargin=True)
    return _layout(fig, title, height or max(300, 120 + 45 * len(rows)))


def keyness_figure(table: pd.DataFrame, title: str = "", top: int = 15, height: int | None = None) -> go.Figure:
    """Horizontal bars of signed G² from :func:`ttdn_analysis.themes.keyness` (target words right, reference left).

    Examples
    --------
    >>> k = pd.DataFrame({"term": ["biên giới", "biển"], "g2": [5.0, -2.0], "direction": ["target", "reference"]})
    >>> list(keyness_figure(k).data[0].y)
    ['biên giới', 'biển']
    """
    k = table.head(top)
    colours = ["#0072B2" if d == "target" else "#D55E00" for d in k.get("direction", ["target"] * len(k))]
    fig = go.Figure(go.Bar(y=[esc(t) for t in k["term"]], x=k["g2"].tolist(), orientation="h",
                           marker={"color": colours}, hovertemplate="%{y}: G² = %{x:.2f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", automargin=True)
    return _layout(fig, title, height or max(300, 80 + 22 * len(k)))
