"""Tests for ttdn_analysis.themes: codebook, tagging on real plan sentences, near misses, coverage, kwic, keyness."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from ttdn_analysis.analysis.coverage import coverage, kwic
from ttdn_analysis.analysis.textstats import keyness, topic_view
from ttdn_analysis.analysis.validation import validate
from ttdn_analysis.parse.lines import clean_line
from ttdn_analysis.registry.codebook import CORE_THEMES, Codebook, load_codebook
from ttdn_analysis.tagging import TASK_THEME_COLUMNS, tag_tasks

ROOT = Path(__file__).resolve().parents[1]
PLAN_002 = ROOT / "data" / "plans" / "dong-nai-2024-ubnd-ttdn.md"  # = seeds/002_3d21d89fb6211e3a.txt
EXTENDED = ("image_promotion", "counter_disinformation", "training", "ethnic_minorities", "investment_trade",
            "digital_cyberspace", "anniversaries_events", "foreign_press_delegations", "legal_framework")


def core_of(text: str, title: str = "") -> set[str]:
    """Core themes tag_tasks finds in one task made of *text*."""
    tasks = pd.DataFrame({"plan_id": ["p"], "task_id": ["t"], "path": ["1"], "title": [title], "text": [text],
                          "text_lines": [list(range(1, text.count("\n") + 2))], "line_start": [1]})
    out = tag_tasks(tasks)
    return set(out.loc[out["core"], "theme"])


def one_task(text: str, **extra) -> pd.DataFrame:
    row = {"plan_id": "p", "task_id": "t", "path": "1", "title": "", "text": text,
           "text_lines": list(range(1, text.count("\n") + 2)), "line_start": 1}
    row.update(extra)
    return pd.DataFrame([row])


# ---------------------------------------------------------------------------------------------------------------
# Codebook

def test_codebook_version_and_themes():
    cb = load_codebook()
    assert isinstance(cb, Codebook)
    assert cb.version.count(".") == 2 and len(cb.version.split(".")[0]) == 4
    assert cb.core_keys == list(CORE_THEMES)
    assert cb.keys == list(CORE_THEMES) + list(EXTENDED)
    assert all(not cb[k].core for k in EXTENDED)
    assert all(t.sources and t.label_vi and t.label_en for t in cb.themes)
    assert "1191/QĐ-TTg" in cb["border"].instruments
    assert "1079/QĐ-TTg" in cb["human_rights"].instruments
    assert "36-NQ/TW" in cb["sea_islands"].instruments
    assert "quyền" not in cb["human_rights"].terms
    assert {"chủ quyền", "thẩm quyền", "chính quyền", "quyền hạn"} <= set(cb["human_rights"].exclude)
    assert {"biển báo", "biển hiệu", "biển số"} <= set(cb["sea_islands"].exclude)
    assert "đối ngoại quốc phòng" in cb["border"].exclude


def test_load_codebook_from_path_and_errors(tmp_path):
    good = tmp_path / "cb.toml"
    good.write_text('version = "2026.11.1"\n[[theme]]\nkey = "border"\nlabel_vi = "Biên giới"\n'
                    'label_en = "Border"\ncore = true\nterms = ["biên giới"]\n', encoding="utf-8")
    cb = load_codebook(good)
    assert cb.keys == ["border"] and cb.version == "2026.11.1"
    assert set(tag_tasks(one_task("Khu vực biên giới; biển đảo"), codebook=cb)["theme"]) == {"border"}

    bad_version = tmp_path / "v.toml"
    bad_version.write_text(good.read_text(encoding="utf-8").replace("2026.11.1", "v1"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"YYYY\.MM\.N"):
        load_codebook(bad_version)
    unknown = tmp_path / "u.toml"
    unknown.write_text(good.read_text(encoding="utf-8") + 'termz = ["x"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown fields"):
        load_codebook(unknown)
    dup = tmp_path / "d.toml"
    text = good.read_text(encoding="utf-8")
    dup.write_text(text + text.split("\n", 1)[1], encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        load_codebook(dup)


# ---------------------------------------------------------------------------------------------------------------
# Core themes on real sentences of the seed plans

@pytest.mark.parametrize("sentence, expected", [
    # border
    ("+ Kịp thời thông tin về những vấn đề phức tạp, nhạy cảm liên quan đến công tác phân giới, cắm mốc và quản lý "
     "biên giới, đặc biệt là ở các khu vực biên giới còn chưa được phân giới, cắm mốc để tạo sự đồng thuận trong "
     "Nhân dân.", {"border"}),
    ("- Tiếp tục phối hợp với các đơn vị liên quan vận hành hiệu quả Cụm Thông tin cơ sở Cửa khẩu quốc tế Lệ Thanh "
     "theo đúng Quy chế phối hợp quản lý, vận hành Cụm Thông tin cơ sở Cửa khẩu Quốc tế Lệ Thanh.", {"border"}),
    ("c) Phối hợp với Bộ Thông tin và Truyền thông triển khai sơ kết 05 năm thực hiện Quyết định số 1191/QĐ-TTg "
     "của Thủ tướng Chính phủ", {"border"}),
    ("h) Tăng cường công tác phát hiện, xử lý các hành vi sản xuất, lưu hành các sản phẩm thể hiện sai lệch chủ "
     "quyền, biên giới quốc gia theo quy định của pháp luật", {"border"}),
    # sea and islands
    ("đ) Tổ chức hội nghị chuyên đề về tình hình thế giới, khu vực và chính sách đối ngoại, đối ngoại nhân dân của "
     "Đảng; cơ sở pháp lý khẳng định chủ quyền quần đảo Hoàng Sa và Trường Sa của Việt Nam.", {"sea_islands"}),
    ("(2) Các quyền và lợi ích hợp pháp, chính đáng của Việt Nam trên biển theo luật pháp quốc tế, trong đó có "
     "Công ước Liên Hiệp quốc về Luật biển (UNCLOS 1982)", {"sea_islands"}),
    ("hiện Nghị quyết số 36-NQ/TW ngày 22/10/2018 của Ban Chấp hành Trung ương", {"sea_islands"}),
    ("- Tiếp tục thông tin về quan điểm, lập trường về việc giải quyết các tranh chấp trên Biển Đông⁷ và những "
     "đóng góp của Việt Nam", {"sea_islands"}),
    # human rights
    ("d) Cung cấp thông tin cho báo chí về công tác nhân quyền thông qua họp báo hoặc phát hành thông cáo báo chí.",
     {"human_rights"}),
    ("Tiếp tục triển khai thực hiện Quyết định số 1079/QĐ-TTg ngày 14/9/2022 của Thủ tướng Chính phủ",
     {"human_rights"}),
    ("- Phối hợp, chỉ đạo các cơ quan báo chí, hệ thống thông tin cơ sở truyền thông về công tác dân tộc, thành tựu "
     "bảo đảm quyền của người dân tộc thiểu số trên các phương tiện thông tin đại chúng", {"human_rights"}),
    ("Tổ chức sản xuất các chương trình phát thanh tuyên truyền về tiềm năng, thế mạnh, các chính sách thu hút đầu "
     "tư ở vùng đồng bào dân tộc thiểu số và miền núi; những nỗ lực, quyết tâm của Đảng, Nhà nước và chính quyền địa "
     "phương trong việc bảo đảm quyền của đồng bào các dân tộc thiểu số và miền núi để đăng phát trên hệ thống "
     "truyền thanh cấp huyện, đài truyền thanh cấp xã.", {"human_rights"}),
    # several
    ("- Đấu tranh, phản bác quan điểm sai trái, xuyên tạc của các thế lực thù địch về các vấn đề biên giới, biển, "
     "đảo, nhân quyền, góp phần giữ vững ổn định chính trị", {"border", "sea_islands", "human_rights"}),
    ("- Hạn chế tác động tiêu cực của những thông tin, luận điệu sai trái, xuyên tạc của các thế lực thù địch, đặc "
     "biệt về các vấn đề biên đảo", {"border", "sea_islands"}),
    ("khoa giáo tuyên truyền sâu rộng công tác TTĐN, quyền con người, về biên giới hải đảo.",
     {"border", "sea_islands", "human_rights"}),
])
def test_core_themes_on_seed_sentences(sentence, expected):
    assert core_of(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "Lắp đặt biển báo giao thông, biển hiệu, biển số và biển quảng cáo tại trụ sở.",
    "Biểu dương, khen thưởng; ứng phó biến đổi khí hậu; tình hình diễn biến phức tạp.",
    "Tổ chức tham quan Biển Hồ, thành phố Pleiku.",
    "Nguy cơ đảo ngược tình thế, đảo lộn trật tự.",
    "Cảnh báo thủ đoạn lừa đảo tuyển dụng lao động đi làm việc ở nước ngoài; phòng, chống lừa đảo trực tuyến.",
    "bồi dưỡng kỹ năng biên, phiên dịch dành cho cán bộ, công chức, viên chức tỉnh Đồng Nai (01 lớp).",
    "chế độ cho phóng viên, biên tập viên báo, đài",
    "Xây dựng hình ảnh thông qua hoạt động ngoại giao, đối ngoại quốc phòng, đối ngoại an ninh của tỉnh.",
    "Nâng cao trách nhiệm của chính quyền địa phương; trình cấp có thẩm quyền theo quy định; quyền hạn của Sở.",
    "Báo cáo kết quả hoạt động TTĐN theo thẩm quyền và phạm vi quản lý định kỳ 6 tháng",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc",
    "Quyết định số 1657/QĐTTg ngày 30/12/2022; Quyết định số 11191/QĐ-TTg; Quyết định số 1191/QĐ-UBND",
    "Cơ quan phối hợp: Bộ Chỉ huy Bộ đội Biên phòng tỉnh; Cục Hải quan",
])
def test_near_misses_have_no_core_theme(sentence):
    assert core_of(sentence) == set()


def test_chu_quyen_is_sea_not_human_rights():
    assert core_of("cơ sở pháp lý khẳng định chủ quyền quần đảo Hoàng Sa và Trường Sa của Việt Nam") == {"sea_islands"}


def test_happy_vietnam_only_when_framed_as_human_rights():
    framed = ("- Phối hợp với Bộ TTTT tổ chức cuộc thi ảnh và video “Việt Nam hạnh phúc - Happy Vietnam 2025” nhằm "
              "đẩy mạnh truyền thông về quyền con người, quảng bá hình ảnh quốc gia, tỉnh Đắk Lắk.")
    out = tag_tasks(one_task(framed))
    hr = out[out["theme"] == "human_rights"].iloc[0]
    assert hr["terms"] == "Happy Vietnam; quyền con người; Việt Nam hạnh phúc"
    assert core_of("Tổ chức cuộc thi ảnh “Việt Nam hạnh phúc - Happy Vietnam” quảng bá hình ảnh quốc gia.") == set()


@pytest.mark.parametrize("ref", ["1191/QĐ-TTg", "1191/QĐTTg", "1191 /QĐ-TTg", "1191/QĐ – TTg", "1191/QD-TTg",
                                 "1191/qđ-ttg"])
def test_instrument_variants(ref):
    assert core_of(f"Tiếp tục thực hiện Quyết định số {ref} ngày 05/8/2020 của Thủ tướng Chính phủ") == {"border"}


def test_instruments_alone_define_theme():
    assert core_of("Quyết định số 1191/QĐ-TTg") == {"border"}
    assert core_of("Quyết định số 1079/QĐ-TTg") == {"human_rights"}
    assert core_of("Nghị quyết số 36 - NQ/TW") == {"sea_islands"}


def test_tone_marks_case_and_unicode_forms():
    old = "Góp phần xây dựng biên giới hoà bình, hữu nghị."
    new = "Góp phần xây dựng biên giới hòa bình, hữu nghị."
    assert core_of(old) == core_of(new) == {"border"}
    tasks = pd.DataFrame({"plan_id": ["p", "p"], "task_id": ["a", "b"], "path": ["1", "2"],
                          "text": [old, new], "text_lines": [[10], [20]]})
    assert kwic(tasks, "hòa bình")["match"].tolist() == ["hoà bình", "hòa bình"]
    assert kwic(tasks, "hoà bình")["line"].tolist() == [10, 20]
    # upper case heading, original spelling kept in the evidence
    out = tag_tasks(one_task("6. TRUYỀN THÔNG VỀ BIÊN GIỚI"))
    assert out["terms"].tolist() == ["BIÊN GIỚI"]
    # NFD text (from Word/PDF) matches like NFC
    nfd = unicodedata.normalize("NFD", "Truyền thông về quyền con người")
    assert core_of(nfd) == {"human_rights"}


def test_never_inside_another_word():
    assert core_of("biểnx đảoy biêngiới") == set()
    assert core_of("quyền con ngườix") == set()


# ---------------------------------------------------------------------------------------------------------------
# tag_tasks on tasks of plan 002 built by hand (logical lines as the loader joins them)

def _lines_002() -> dict[int, str]:
    return {n: clean_line(s) for n, s in enumerate(PLAN_002.read_text(encoding="utf-8").split("\n"), start=1)}


def _task(lines: dict[int, str], task_id: str, title: str, logical: list[list[int]], **meta) -> dict:
    text = "\n".join(" ".join(lines[n] for n in group) for group in logical)
    return {"plan_id": "002", "task_id": task_id, "path": task_id, "title": title, "text": text,
            "text_lines": [g[0] for g in logical], "line_start": logical[0][0], "line_end": logical[-1][-1],
            "province": "Đồng Nai", "year": 2024, "level": "province",
            "source_file": "002_3d21d89fb6211e3a.txt", **meta}


@pytest.fixture(scope="module")
def tasks_002() -> pd.DataFrame:
    ln = _lines_002()
    rows = [
        _task(ln, "II.2.c", "Tổ chức bồi dưỡng và cập nhật kiến thức đối ngoại cho cán bộ, công chức, viên chức",
              [[57, 59], [61], [63]]),
        _task(ln, "II.2.đ", "Tổ chức hội nghị chuyên đề về tình hình thế giới, khu vực và chính sách đối ngoại",
              [[71], [73], [75]]),
        _task(ln, "II.3.c.1", "Hoạt động đối ngoại, xúc tiến đầu tư", [[119], [121], [123]]),
        _task(ln, "II.4", "Sản xuất các sản phẩm thông tin phục vụ công tác TTĐN vùng đồng bào dân tộc thiểu số và "
              "miền núi", [[141], [143], [145], [147]]),
        _task(ln, "II.6", "Truyền thông về biên giới, biển đảo", [[174], [176], [178], [180], [181]]),
        _task(ln, "IV.4", "Đề nghị Ban Tuyên giáo Tỉnh ủy chỉ đạo, định hướng Ban Tuyên giáo các huyện ủy",
              [[205, 207]]),
    ]
    return pd.DataFrame(rows)


def test_tag_tasks_plan_002_theme_sets(tasks_002):
    out = tag_tasks(tasks_002)
    core = {tid: set(g.loc[g["core"], "theme"]) for tid, g in out.groupby("task_id")}
    got = {tid: core.get(tid, set()) for tid in tasks_002["task_id"]}
    assert got == {
        "II.2.c": set(),
        "II.2.đ": {"sea_islands"},
        "II.3.c.1": set(),
        "II.4": {"human_rights"},
        "II.6": {"border", "sea_islands"},
        "IV.4": {"border", "sea_islands", "human_rights"},
    }


def test_tag_tasks_output_contract(tasks_002):
    out = tag_tasks(tasks_002)
    assert list(out.columns) == list(TASK_THEME_COLUMNS) + ["province", "year", "level", "source_file"]
    # sorted by input task order, then theme key
    order = {t: i for i, t in enumerate(tasks_002["task_id"])}
    keys = [(order[t], th) for t, th in zip(out["task_id"], out["theme"])]
    assert keys == sorted(keys)
    assert set(out["codebook_version"]) == {load_codebook().version}
    assert set(out["province"]) == {"Đồng Nai"} and set(out["year"]) == {2024}
    assert out["core"].dtype == bool and out["in_title"].dtype == bool

    row = out[(out["task_id"] == "II.2.đ") & (out["theme"] == "sea_islands")].iloc[0]
    assert row["terms"] == "Hoàng Sa; quần đảo; Trường Sa"
    assert row["hits"] == 3 and row["line"] == 71 and not row["in_title"]
    assert "chủ quyền quần đảo Hoàng Sa và Trường Sa" in row["snippet"]
    assert row["sentence_share"] == 1.0 and row["focus"] == "central"  # field lines are not content sentences

    six = out[out["task_id"] == "II.6"].set_index("theme")
    assert six.loc["border", "in_title"] and six.loc["border", "focus"] == "central"
    assert six.loc["border", "line"] == 174 and six.loc["sea_islands", "hits"] > 20

    hr = out[(out["task_id"] == "II.4") & (out["theme"] == "human_rights")].iloc[0]
    assert hr["terms"] == "quyền của đồng bào các dân tộc thiểu số" and hr["line"] == 143
    assert not hr["in_title"] and hr["sentence_share"] == 0.5  # heading + one long sentence

    iv4 = out[out["task_id"] == "IV.4"].set_index("theme")
    assert iv4.loc["human_rights", "terms"] == "quyền con người"
    assert iv4.loc["sea_islands", "terms"] == "hải đảo"
    assert iv4.loc["border", "line"] == 205  # the wrapped sentence starts on 205


def test_tag_tasks_deterministic_and_pure(tasks_002):
    before = tasks_002.copy(deep=True)
    a, b = tag_tasks(tasks_002), tag_tasks(tasks_002)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(tasks_002, before)
    # input task order is kept within a plan
    rev = tag_tasks(tasks_002.iloc[::-1])
    assert list(dict.fromkeys(rev["task_id"])) == list(dict.fromkeys(a["task_id"]))[::-1]


def test_tag_tasks_empty_and_missing_columns():
    empty = tag_tasks(one_task("Tổ chức tập huấn").iloc[0:0])
    assert empty.empty and list(empty.columns)[:len(TASK_THEME_COLUMNS)] == list(TASK_THEME_COLUMNS)
    with pytest.raises(KeyError):
        tag_tasks(pd.DataFrame({"plan_id": ["p"]}))


def test_validate_against_gold_002(gold_002):
    gold = json.loads(gold_002.read_text(encoding="utf-8"))
    ln = _lines_002()
    parents = {45, 79, 89, 117, 149}  # headings of parent items: not part of any child task
    starts = [t["line"] for t in gold["tasks"]]
    stops = {"II.7": 189, "IV.5": 209}
    rows = []
    for i, t in enumerate(gold["tasks"]):
        end = stops.get(t["id"], starts[i + 1] - 1 if i + 1 < len(starts) else 209)
        nums = [n for n in range(t["line"], end + 1) if ln[n] and (n == t["line"] or n not in parents)]
        groups: list[list[int]] = []
        for n in nums:  # join hard-wrapped lines as the loader does
            if groups and (ln[n][:1].islower() or ln[groups[-1][-1]].endswith(("của", "tiếng Hàn;", "truyền,"))):
                groups[-1].append(n)
            else:
                groups.append([n])
        rows.append(_task(ln, t["id"], t["title"], groups))
    tasks = pd.DataFrame(rows)
    res = validate(tag_tasks(tasks), gold_002, tasks).set_index("theme")
    assert list(res.index) == list(CORE_THEMES) + ["micro"]
    assert res["f1"].tolist() == [1.0, 1.0, 1.0, 1.0]
    assert res.loc["micro", "gold"] == 12
    assert res.attrs["unaligned"] == []


def test_validate_alignment_innermost_and_once(tmp_path):
    gold = {"doc": "x.txt", "tasks": [
        {"id": "1.a", "line": 11, "themes": ["human_rights"]},   # inside task A (10-14), not its first line
        {"id": "1.b", "line": 12, "themes": []},                  # A already used: unaligned
        {"id": "2", "line": 20, "themes": ["border"]},            # exact line_start of B
        {"id": "3", "line": 40, "themes": ["sea_islands"]},       # no task: a false negative
    ]}
    path = tmp_path / "x.json"
    path.write_text(json.dumps(gold), encoding="utf-8")
    tasks = pd.DataFrame({"plan_id": ["x", "x", "x"], "task_id": ["A", "B", "C"], "source_file": ["x.txt"] * 3,
                          "line_start": [10, 20, 5], "line_end": [14, 22, 30],
                          "text": ["Truyền thông về quyền con người", "Khu vực biên giới, hải đảo", "Tập huấn"]})
    res = validate(tag_tasks(tasks), path, tasks).set_index("theme")
    assert res.loc["human_rights", ["tp", "fp", "fn"]].tolist() == [1, 0, 0]
    assert res.loc["border", ["tp", "fp", "fn"]].tolist() == [1, 0, 0]
    assert res.loc["sea_islands", ["tp", "fp", "fn"]].tolist() == [0, 1, 1]
    assert res.loc["sea_islands", "precision"] == 0.0
    assert res.attrs["unaligned"] == ["1.b", "3"]
    explicit = validate(tag_tasks(tasks), path, tasks.assign(source_file="other.txt"), plan_id="x")
    pd.testing.assert_frame_equal(explicit.set_index("theme"), res)


# ---------------------------------------------------------------------------------------------------------------
# coverage, kwic, keyness, topics

@pytest.fixture()
def toy_corpus() -> SimpleNamespace:
    tasks = pd.DataFrame({
        "plan_id": ["gl", "gl", "gl", "dn", "dn"],
        "task_id": ["gl-1", "gl-2", "gl-3", "dn-1", "dn-2"],
        "path": ["II.1", "II.2", "II.3", "II.1", "II.2"],
        "province": ["Gia Lai", "Gia Lai", "Gia Lai", "Đồng Nai", "Đồng Nai"],
        "year": [2025, 2025, 2025, 2024, 2024],
        "title": ["Truyền thông về biên giới", "", "", "", ""],
        "text": [
            "Truyền thông về biên giới",                              # 25 chars, border central (title)
            "Tập huấn nghiệp vụ. Tổ chức hội nghị. Khu vực biên giới.",  # border mentioned (1/3)
            "Tập huấn",
            "Truyền thông về quyền con người",
            "Tuyên truyền biển, đảo; nhân quyền",
        ],
        "text_lines": [[1], [5], [9], [3], [7]],
        "source_file": ["gl.txt"] * 3 + ["dn.md"] * 2,
    })
    return SimpleNamespace(tasks=tasks, task_themes=tag_tasks(tasks))


def test_coverage_measures(toy_corpus):
    cov = coverage(toy_corpus, themes=["border", "human_rights", "sea_islands"])
    assert list(cov.index) == [("Gia Lai", 2025), ("Đồng Nai", 2024)]
    assert list(cov.columns) == ["border", "human_rights", "sea_islands"]
    assert cov.loc[("Gia Lai", 2025)].tolist() == [round(2 / 3, 4), 0.0, 0.0]
    assert cov.loc[("Đồng Nai", 2024)].tolist() == [0.0, 1.0, 0.5]
    assert cov.attrs["codebook_version"] == load_codebook().version

    focus = coverage(toy_corpus, by="province", measure="focus_share", themes=["border"])
    assert focus.loc["Gia Lai", "border"] == round(1 / 3, 4)

    counts = coverage(toy_corpus, by="province", measure="tasks")
    assert list(counts.columns) == load_codebook().keys
    assert counts.loc["Gia Lai", "border"] == 2 and counts["border"].dtype == "int64"

    text = coverage(toy_corpus, by="province", measure="text_share", themes=["border"])
    lens = [len(t) for t in toy_corpus.tasks["text"][:3]]
    assert text.loc["Gia Lai", "border"] == round((lens[0] + lens[1]) / sum(lens), 4)

    with pytest.raises(ValueError):
        coverage(toy_corpus, measure="share")


def test_coverage_deterministic(toy_corpus):
    a = coverage(toy_corpus)
    shuffled = SimpleNamespace(tasks=toy_corpus.tasks.sample(frac=1, random_state=3),
                               task_themes=toy_corpus.task_themes.sample(frac=1, random_state=5))
    b = coverage(shuffled)
    pd.testing.assert_frame_equal(a, b)
    assert coverage((toy_corpus.tasks, toy_corpus.task_themes)).equals(a)


def test_kwic_theme_and_term(toy_corpus):
    k = kwic(toy_corpus, "border", window=12)
    assert list(k.columns) == ["plan_id", "task_id", "path", "line", "column", "left", "match", "right",
                               "source_file"]
    assert k["task_id"].tolist() == ["gl-1", "gl-2"]
    assert k["line"].tolist() == [1, 5] and k["source_file"].tolist() == ["gl.txt", "gl.txt"]
    assert k.iloc[1][["left", "match", "right"]].tolist() == ["hị. Khu vực ", "biên giới", "."]
    sea = kwic(toy_corpus, "sea_islands")
    assert sea["match"].tolist() == ["biển", "đảo"]
    term = kwic(toy_corpus, "tập huấn")
    assert term["task_id"].tolist() == ["gl-2", "gl-3"] and term["match"].tolist() == ["Tập huấn", "Tập huấn"]
    assert kwic(toy_corpus, "biển báo").empty


def test_kwic_counts_and_the_first_hits_agree_with_the_whole_kwic(toy_corpus):
    """The report shows the first hits of each theme and the totals from the theme tags (issue 27: a 10,000-plan
    report does not match every task twice): both are those of the whole KWIC, on the seeds and the toy corpus."""
    from ttdn_analysis import load_corpus
    from ttdn_analysis.analysis.coverage import kwic_counts
    seeds = load_corpus(Path(__file__).parents[1] / "data" / "plans", cache=False)
    for corpus in (seeds, toy_corpus):
        for theme in load_codebook().keys:
            whole = kwic(corpus, theme)
            assert kwic_counts(corpus, theme) == (len(whole), whole["task_id"].nunique()), theme
            for limit in (0, 1, 3):
                pd.testing.assert_frame_equal(kwic(corpus, theme, limit=limit),
                                              whole.head(limit).reset_index(drop=True), obj=f"{theme} {limit}")
    assert kwic(seeds, "biên giới", limit=2)["match"].str.lower().tolist() == ["biên giới", "biên giới"]


def test_kwic_unknown_theme_lists_the_themes(toy_corpus):
    # issue 13 item 9: kwic(c, "borders") returned an empty table
    with pytest.raises(ValueError, match=r"unknown theme 'borders'.*Did you mean 'border'.*human_rights"):
        kwic(toy_corpus, "borders")
    with pytest.raises(ValueError, match="Did you mean 'human_rights'"):
        kwic(toy_corpus, "humanrights")
    # a phrase (not key-shaped) that no task contains is a real answer: no hits
    assert kwic(toy_corpus, "phân giới cắm mốc").empty
    # a key-shaped word that a task contains is a phrase search, not an error
    tasks = pd.DataFrame({"plan_id": ["p"], "task_id": ["p:1"], "path": ["1"], "text_lines": [[4]],
                          "text": ["Quảng bá hình ảnh tỉnh tại các nước ASEAN"]})
    assert kwic(tasks, "ASEAN")[["line", "match"]].values.tolist() == [[4, "ASEAN"]]


def test_keyness_sign_on_toy_corpus():
    tasks = pd.DataFrame({"province": ["Gia Lai"] * 3 + ["Đồng Nai"] * 3, "text": [
        "Tuyên truyền biên giới trên đất liền", "Thông tin khu vực biên giới", "Tuyên truyền biên giới",
        "Tuyên truyền quyền con người", "Truyền thông về quyền con người", "Tuyên truyền quyền con người"]})
    k = keyness(tasks, {"province": "Gia Lai"}, min_count=1).set_index("term")
    assert k.loc["biên giới", "g2"] > 0 and k.loc["biên giới", "direction"] == "target"
    assert k.loc["biên giới", "target_freq"] == 3 and k.loc["biên giới", "reference_freq"] == 0
    assert k.loc["quyền", "g2"] < 0 and k.loc["quyền", "direction"] == "reference"
    # the same comparison with the groups swapped flips the sign
    swapped = keyness(tasks, {"province": "Đồng Nai"}, {"province": "Gia Lai"}, min_count=1).set_index("term")
    assert swapped.loc["biên giới", "g2"] == -k.loc["biên giới", "g2"]
    # sorted by |G²|, then term; deterministic
    full = keyness(tasks, {"province": "Gia Lai"}, top=100, min_count=1)
    keyvals = list(zip(-full["g2"].abs(), full["term"]))
    assert keyvals == sorted(keyvals)
    pd.testing.assert_frame_equal(full, keyness(tasks, {"province": "Gia Lai"}, top=100, min_count=1))
    assert len(keyness(tasks, {"province": "Gia Lai"}, top=2, min_count=1)) == 2
    with pytest.raises(ValueError):
        keyness(tasks, {"province": "Hà Nội"})


def test_topic_view_deterministic():
    tasks = pd.DataFrame({"plan_id": ["p"] * 6, "task_id": list("abcdef"), "path": list("abcdef"), "text": [
        "Tuyên truyền biển, đảo, Biển Đông, quần đảo Hoàng Sa", "Thông tin về biển, đảo và Trường Sa",
        "Tập huấn phóng viên báo chí nước ngoài", "Tập huấn kỹ năng phát ngôn báo chí",
        "Xúc tiến đầu tư, thương mại, du lịch", "Thu hút đầu tư nước ngoài, xúc tiến thương mại"]})
    a_tasks, a_topics = topic_view(tasks, n_topics=3, seed=7)
    b_tasks, b_topics = topic_view(tasks, n_topics=3, seed=7)
    pd.testing.assert_frame_equal(a_tasks, b_tasks)
    pd.testing.assert_frame_equal(a_topics, b_topics)
    assert list(a_tasks.columns) == ["plan_id", "task_id", "path", "topic", "weight"]
    assert a_topics["n_tasks"].sum() == 6 and len(a_topics) == 3
    t = a_tasks.set_index("task_id")["topic"]
    assert t["a"] == t["b"] and t["c"] == t["d"] and t["e"] == t["f"] and len({t["a"], t["c"], t["e"]}) == 3


def test_coverage_unknown_theme_lists_the_themes(toy_corpus):
    # issue 13 item 9: coverage(c, themes=["humanrights"]) gave a column of zeros
    with pytest.raises(ValueError, match=r"unknown theme 'humanrights' in codebook .*Did you mean 'human_rights'"):
        coverage(toy_corpus, themes=["border", "humanrights"])
    custom = Codebook(version="c1", themes=[load_codebook()["border"]])
    with pytest.raises(ValueError, match=r"unknown theme 'sea_islnds' in codebook c1.*Valid: border"):
        coverage(toy_corpus, themes=["sea_islnds"], codebook=custom)
    assert list(coverage(toy_corpus, themes="border").columns) == ["border"]


# ---------------------------------------------------------------------------------------------------------------
# Focus: headings, hit density, share of sentences (the codebook's [focus] rule)

FOCUS_LABELS = ROOT / "tests" / "data" / "focus_labels.csv"


def _focus(out: pd.DataFrame, theme: str) -> str:
    return out.set_index("theme").loc[theme, "focus"]


def test_focus_sub_heading_makes_a_theme_central():
    text = ("h) Tuyên truyền TTĐN khu vực biên giới, trong đó tập trung các nội dung sau:\n"
            "- Tiếp tục triển khai Chương trình phối hợp tại khu vực biên giới.\n"
            "- Tuyên truyền biển, đảo:\n"
            "+ Thông tin về kinh tế xã hội, văn hóa, du lịch của tỉnh và các nội dung khác trong năm.\n"
            "+ Tổ chức triển lãm lưu động tại các huyện.\n"
            "- Cơ quan thực hiện: Sở Thông tin và Truyền thông")
    out = tag_tasks(one_task(text, title="Tuyên truyền TTĐN khu vực biên giới"))
    row = out.set_index("theme").loc["sea_islands"]
    assert row["hits"] == 2 and not row["in_title"] and row["in_heading"] and row["focus"] == "central"
    # the same words in a sentence of content are only a mention
    flat = text.replace("- Tuyên truyền biển, đảo:\n", "- Tuyên truyền về du lịch, biển, đảo và nhiều nội dung khác của tỉnh.\n")
    out = tag_tasks(one_task(flat, title="Tuyên truyền TTĐN khu vực biên giới"))
    assert not out.set_index("theme").loc["sea_islands", "in_heading"]
    assert _focus(out, "sea_islands") == "mentioned"


def test_focus_heading_line_counts_past_the_title_cut():
    head = ("5.2. Thực hiện Chương trình phối hợp trong công tác thông tin, truyền thông và thông tin đối ngoại tại "
            "khu vực biên giới, biển, hải đảo giai đoạn 2021-2030")
    out = tag_tasks(one_task(head + "\nTriển khai các hoạt động tuyên truyền các ngày lễ lớn.", title=head[6:120]))
    assert _focus(out, "sea_islands") == "central"


@pytest.mark.parametrize("phrase", ["biển hiệu, biển chỉ dẫn song ngữ", "biển quảng cáo ngoài trời",
                                    "đảo ngược tình thế"])
def test_a_title_cut_inside_an_excluded_phrase_gives_no_theme(phrase):
    """A heading cut at about 120 characters can end in the middle of "biển hiệu" (a signboard): the cut title
    alone reads "biển", but the text goes on, and the text decides."""
    head = "c- Sở Văn hóa, Thể thao và Du lịch chủ trì rà soát, chuẩn hóa hệ thống " + phrase + " tại các điểm."
    cut = head[3:head.index(phrase) + len(phrase.split()[0])]
    assert cut.endswith(phrase.split()[0])
    out = tag_tasks(one_task(head + "\nThời gian: quý II/2026.", title=cut))
    assert "sea_islands" not in set(out["theme"])
    kept = tag_tasks(one_task("2. Tuyên truyền về chủ quyền biển, đảo\nNội dung.", title="Tuyên truyền về chủ "
                              "quyền biển"))
    assert kept.set_index("theme").loc["sea_islands", "in_title"]  # a title hit the text confirms stays


def test_focus_passing_phrase_is_never_central():
    text = ("4. Đề nghị Ban Tuyên giáo Tỉnh ủy chỉ đạo, định hướng Ban Tuyên giáo các huyện ủy, thành ủy, các cơ quan "
            "khối tuyên truyền tuyên truyền sâu rộng công tác TTĐN, quyền con người, về biên giới hải đảo.")
    out = tag_tasks(one_task(text, title=text[3:120]))
    assert set(out["theme"]) >= {"border", "sea_islands", "human_rights"}
    assert set(out.loc[out["theme"].isin(CORE_THEMES), "focus"]) == {"mentioned"}
    assert out.set_index("theme").loc["human_rights", "sentence_share"] == 1.0  # all of one sentence: not enough


def test_focus_dense_block_without_heading_is_central():
    text = ("11. Bộ Chỉ huy Bộ đội biên phòng tỉnh\n"
            "- Tuyên truyền trong nhân dân ở biên giới đối diện; xây dựng biên giới hòa bình, hữu nghị.\n"
            "- Phối hợp bảo vệ chủ quyền an ninh biên giới, thực hiện phân giới cắm mốc biên giới.\n"
            "- Giữ gìn bí mật quân sự, bí mật quốc gia trong công tác đối ngoại của lực lượng vũ trang.")
    row = tag_tasks(one_task(text, title="Bộ Chỉ huy Bộ đội biên phòng tỉnh")).set_index("theme").loc["border"]
    assert not row["in_heading"] and row["hits"] >= 4 and row["density"] >= 2.5 and row["focus"] == "central"


def test_focus_rule_is_data(tmp_path):
    src = (ROOT / "ttdn_analysis" / "registry" / "data" / "themes.toml").read_text(encoding="utf-8")
    strict = tmp_path / "strict.toml"
    strict.write_text(src.replace("min_hits = 3", "min_hits = 50"), encoding="utf-8")
    cb = load_codebook(strict)
    assert cb.focus.min_hits == 50 and load_codebook().focus.min_hits == 3
    text = ("11. Bộ Chỉ huy Bộ đội biên phòng tỉnh\n- Xây dựng biên giới hòa bình ở biên giới; phân giới cắm mốc "
            "biên giới.\n- Giữ gìn bí mật quân sự, bí mật quốc gia trong công tác đối ngoại của lực lượng vũ trang.\n"
            "- Chấp hành nghiêm quy định của ngành trong công tác đối ngoại.")
    assert _focus(tag_tasks(one_task(text), codebook=cb), "border") == "mentioned"
    bad = tmp_path / "bad.toml"
    bad.write_text(src.replace("min_hits = 3", "min_hits = -1"), encoding="utf-8")
    with pytest.raises(ValueError, match="min_hits"):
        load_codebook(bad)
    bad.write_text(src.replace("min_hits = 3", "min_hitz = 3"), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown fields"):
        load_codebook(bad)


def test_focus_agrees_with_hand_coded_judgements(corpus):
    """tests/data/focus_labels.csv: which theme a task is about, judged by reading each task (reason given)."""
    labels = pd.read_csv(FOCUS_LABELS)
    got = labels.merge(corpus.task_themes[["task_id", "theme", "focus"]], on=["task_id", "theme"], how="left",
                       suffixes=("", "_tool"))
    assert got["focus_tool"].notna().all(), got[got["focus_tool"].isna()]  # every labelled pair is tagged
    wrong = got[got["focus"] != got["focus_tool"]]
    assert wrong.empty, wrong


def test_central_core_themes_are_hand_coded_mentions(corpus, gold_002):
    gold = json.loads(gold_002.read_text(encoding="utf-8"))
    coded = {(f"dong-nai-2024-ubnd-ttdn:{t['id']}", th) for t in gold["tasks"] for th in t["themes"]}
    tt = corpus.task_themes
    central = tt[(tt["plan_id"] == "dong-nai-2024-ubnd-ttdn") & tt["core"] & (tt["focus"] == "central")]
    assert len(central) >= 5
    assert set(zip(central["task_id"], central["theme"])) <= coded


def test_agency_names_are_no_theme_mentions():
    """gold/dev README convention 10: a partner "UBND huyện Trường Sa" or "Bộ Chỉ huy Bộ đội Biên phòng" adds no
    theme; the same words in the content do ("huyện đảo Trường Sa", "lực lượng Bộ đội Biên phòng")."""
    t = pd.DataFrame({"plan_id": ["p"] * 3, "task_id": ["p:1", "p:2", "p:3"], "path": ["1", "2", "3"],
                      "title": ["a", "b", "c"], "line_start": [1, 2, 3], "text_lines": [[1], [2], [3]],
                      "text": ["Hội nghị xúc tiến đầu tư (Sở Ngoại vụ chủ trì, phối hợp với UBND huyện Trường Sa, "
                               "Bộ Chỉ huy Bộ đội Biên phòng tỉnh thực hiện)",
                               "Thăm quân và dân huyện đảo Trường Sa.",
                               "Tập huấn nghiệp vụ cho lực lượng Bộ đội Biên phòng."]})
    got = tag_tasks(t)
    core = {(r.task_id, r.theme) for r in got.itertuples() if r.core}
    assert core == {("p:2", "sea_islands"), ("p:3", "border")}


def test_tagging_theme_by_theme_equals_tagging_all_themes_at_once(corpus):
    """The loader re-tags only the themes an edit changed and keeps the others' rows; that is sound only if a
    theme's rows never depend on the other themes — including the shortcut that skips a task no theme can match."""
    import dataclasses

    from ttdn_analysis.registry.codebook import load_codebook
    from ttdn_analysis.tagging import tag_tasks
    cb = load_codebook()
    tasks = corpus.tasks.astype({"province": object, "merged_province": object, "level": object})
    whole = tag_tasks(tasks, cb)
    parts = pd.concat([tag_tasks(tasks, dataclasses.replace(cb, themes=[t])) for t in cb.themes], ignore_index=True)
    order = {tid: i for i, tid in enumerate(tasks.task_id)}
    parts = parts.assign(_o=parts.task_id.map(order)).sort_values(["plan_id", "_o", "theme"], kind="stable")
    pd.testing.assert_frame_equal(parts.drop(columns="_o").reset_index(drop=True), whole)
    assert len(whole) > 100


def test_a_term_must_stand_in_the_text_as_written():
    """Words of a term split by an agency's name are no mention, whatever the masking of agency names leaves."""
    from ttdn_analysis.tagging import tag_tasks, themes_in
    assert "border" in themes_in("Tuyên truyền về biên giới quốc gia")
    tasks = pd.DataFrame({"plan_id": ["p"], "task_id": ["1"], "path": ["1"], "title": ["x"],
                          "text": ["Họp bàn biên Sở Ngoại vụ giới thiệu kế hoạch"], "text_lines": [[1]],
                          "line_start": [1]})
    assert "border" not in set(tag_tasks(tasks).theme)
    assert "border" not in themes_in(tasks.text[0])


def test_the_loaded_seeds_agree_with_the_hand_coding_as_notebook_03_shows(corpus, gold_002):
    """Notebook 03's validation section, checked here (the notebook shows it; without ../shared the test is
    skipped with its reason instead of a notebook cell failing)."""
    from ttdn_analysis import themes
    pid = themes.gold_plan(corpus, gold_002)
    assert pid == "dong-nai-2024-ubnd-ttdn"
    v = themes.validate(corpus.task_themes[corpus.task_themes["plan_id"] == pid], gold_002,
                        corpus.tasks[corpus.tasks["plan_id"] == pid])
    assert v.to_string(index=False) == (
        "       theme  tp  fp  fn  precision  recall  f1  gold  predicted\n"
        "      border   2   0   0        1.0     1.0 1.0     2          2\n"
        " sea_islands   3   0   0        1.0     1.0 1.0     3          3\n"
        "human_rights   7   0   0        1.0     1.0 1.0     7          7\n"
        "       micro  12   0   0        1.0     1.0 1.0    12         12")
