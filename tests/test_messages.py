"""The message catalogue (issue 25 item 5): every problem kind, detailed message and warning lives once, in
Vietnamese and English, with a stable code; the Vietnamese interface shows no English message and no exception
text."""
from __future__ import annotations

import io
import re
import string
import unicodedata
import warnings
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from ttdn_analysis import load_corpus
from ttdn_analysis.analysis.coverage_stats import PooledPlansWarning, coverage_stats
from ttdn_analysis.cli import main
from ttdn_analysis.labels import label_table, labels
from ttdn_analysis.messages import catalogue, details, kinds, localize, localize_problems, message_code
from ttdn_analysis.schema import PROBLEM_KINDS

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "data" / "plans"
DEV = ROOT.parent / "shared" / "gold" / "dev"

#: English words that a Vietnamese message never contains (plan text, names and codes aside).
ENGLISH = {"the", "is", "not", "of", "and", "found", "missing", "read", "file", "line", "lines", "task", "tasks",
           "agency", "header", "with", "was", "were", "could", "cannot", "names", "section", "item", "error",
           "warning", "plan", "page", "text", "empty", "unknown"}


def english_words(text: str) -> set[str]:
    """English words of *text*, leaving out quoted plan text, file names, paths and identifiers (codes, kinds)."""
    text = re.sub(r"'[^'\n]*'|\"[^\"\n]*\"", " ", text)
    text = re.sub(r"\S*[/\\._]\S*", " ", text)  # paths, file names, kinds such as no_lead
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w in ENGLISH and w not in PROBLEM_KINDS}


# --------------------------------------------------------------------------- one catalogue

def test_the_kinds_live_once_and_everything_else_is_derived():
    cat = kinds()
    assert list(PROBLEM_KINDS) == list(cat)
    for k, v in cat.items():
        assert PROBLEM_KINDS[k].severity == v.severity and PROBLEM_KINDS[k].meaning == v.en
        assert PROBLEM_KINDS[k].code == v.code
    assert label_table()["problem_kinds"] == {k: {"vi": v.vi, "en": v.en} for k, v in cat.items()}
    assert labels("vi", "problem_kinds")["no_lead"] == cat["no_lead"].vi
    text = (ROOT / "ttdn_analysis" / "labels.toml").read_text(encoding="utf-8")
    assert "[problem_kinds]" not in text, "the meanings of problem kinds are written once, in messages.toml"


def test_codes_are_stable_unique_and_details_belong_to_their_kind():
    cat = kinds()
    codes = [v.code for v in cat.values()]
    assert len(set(codes)) == len(codes) and all(re.fullmatch(r"P\d{3}", c) for c in codes)
    assert cat["unreadable"].code == "P001" and cat["no_lead"].code == "P023"  # codes never move
    assert {v.severity for v in cat.values()} <= {"error", "warning", "info"}
    fields = string.Formatter()
    for kind, items in details().items():
        assert kind in cat, kind
        for d in items:
            assert d.code.startswith(cat[kind].code) and re.fullmatch(r"P\d{3}[a-z]", d.code), d.code
            names = [sorted({f for _, f, _, _ in fields.parse(t) if f}) for t in (d.en, d.vi)]
            assert names[0] == names[1], d.code
    warns = catalogue()["warnings"]
    assert all(re.fullmatch(r"W\d{3}", w["code"]) and w["vi"] and w["en"] for w in warns.values())


def test_vietnamese_from_a_template_with_the_same_values():
    msg = ("task II.4 (lines 77-89) names no lead agency; only partners: Sở Thông tin và Truyền thông, Hội Nhà báo "
           "tỉnh: it counts in no lead table or network")
    assert message_code("no_lead", msg) == "P023a"
    vi = localize("no_lead", msg)
    assert vi.startswith("nhiệm vụ II.4 (dòng 77–89) không nêu cơ quan chủ trì, chỉ nêu cơ quan phối hợp: Sở Thông")
    assert localize("no_lead", msg, "en") == msg
    # the word the loader writes inside a value is translated too
    gap = ("section (none) starts at item 2: item(s) 1 missing (a heading lost in conversion or scraping?); their "
           "text, if any, is read as part of the section's introduction")
    assert localize("numbering_gap", gap).startswith("phần (không số) bắt đầu từ mục 2")


def test_an_unknown_message_is_shown_as_its_kind_never_as_english():
    assert localize("no_tasks", "a message nobody wrote a template for") == kinds()["no_tasks"].vi
    assert english_words(localize("new_kind", "something went wrong")) == set()


def test_exception_text_never_reaches_the_reader():
    msg = "this .docx cannot be read (BadZipFile: File is not a zip file); open it in Word and save it again"
    assert "BadZipFile" not in localize("unreadable", msg, "en") and "zip file" not in localize("unreadable", msg, "en")
    assert localize("unreadable", msg) == kinds()["unreadable"].vi
    p = pd.DataFrame({"source_file": ["a"], "line": [None], "severity": ["error"], "kind": ["themes_failed"],
                      "message": ["theme tagging failed (KeyError: 'x'); this plan's tasks carry no themes"]})
    shown = localize_problems(p, "en")
    assert "KeyError" not in shown["message"].iloc[0] and shown["code"].iloc[0] == "P013"
    assert p["message"].iloc[0].startswith("theme tagging failed (KeyError")  # the table keeps what happened


def test_every_message_of_the_seeds_and_development_set_has_its_own_vietnamese_text(tmp_path, monkeypatch):
    """Not only the kind's meaning: the detail (which task, which lines) reaches a Vietnamese reader too."""
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path))
    files = [PLANS] + sorted(p for p in DEV.glob("*.txt")) if DEV.is_dir() else [PLANS]
    probs = load_corpus(files).problems
    free_text = {"citation_typo", "agency_defunct"}  # they quote registry rows; shown as their kind's meaning
    unmatched = [(k, m) for k, m in zip(probs["kind"].astype(str), probs["message"])
                 if k not in free_text and message_code(k, m) == kinds()[k].code]
    assert not unmatched, f"add a [details] template to messages.toml for: {unmatched[:3]}"


# --------------------------------------------------------------------------- the interface in Vietnamese

def _run(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return code, out.getvalue() + err.getvalue()


def _cp1258(text: str) -> bytes:
    """Windows-1258 bytes: letters with their shape marks precomposed, tone marks as combining characters."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


@pytest.fixture()
def bad_files(tmp_path: Path) -> list[Path]:
    png = tmp_path / "scan.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    empty = tmp_path / "rong.txt"
    empty.write_bytes(b"")
    docx = tmp_path / "hong.docx"
    docx.write_bytes(b"PK\x03\x04 not really a zip")
    legacy = tmp_path / "cu.txt"
    legacy.write_bytes(_cp1258("KẾ HOẠCH Thông tin đối ngoại năm 2025\nI. NHIỆM VỤ\n1. Tuyên truyền biên giới.\n"))
    plain = tmp_path / "khong-nhiem-vu.txt"
    plain.write_text("Một dòng không có nhiệm vụ nào.\n", encoding="utf-8")
    zipped = tmp_path / "lon.docx"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("word/other.xml", "<x/>")
    return [png, empty, docx, legacy, plain, zipped]


def test_check_and_summary_in_vietnamese_show_no_english_message(tmp_path, monkeypatch, bad_files):
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TTDN_LANG", raising=False)
    outputs = [_run("summary", "--data", str(PLANS), "--all-problems")[1],
               _run("summary", "--data", str(bad_files[0].parent), "--all-problems")[1]]
    outputs += [_run("check", str(p))[1] for p in [*sorted(PLANS.iterdir()), *bad_files] if p.is_file()]
    for out in outputs:
        # the messages, not the plan's own text: every line after the problems heading
        said = out.split("Vấn đề", 1)[-1]
        assert english_words(said) == set(), (english_words(said), said[:400])
        assert "Error:" not in said and "Traceback" not in said
    assert "không có cơ quan chủ trì" in "".join(outputs)  # the check names the problems in Vietnamese


def test_the_same_messages_in_english_on_request(tmp_path, monkeypatch):
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path))
    _, out = _run("check", str(PLANS / "dak-lak-2024-ubnd-143-kh-nq47.txt"), "--lang", "en")
    assert "names no lead agency" in out and "nhiệm vụ II.3 (dòng" not in out


# --------------------------------------------------------------------------- warnings as notices

def test_pooled_plans_warning_text_comes_from_the_catalogue_and_can_be_shown_as_a_notice():
    tasks = pd.DataFrame({"plan_id": ["a", "b"], "task_id": ["a:1", "b:1"], "path": ["1", "1"], "text": "x",
                          "province": "X", "year": 2024, "level": ["department", "province"]})
    tt = pd.DataFrame({"plan_id": ["a"], "task_id": ["a:1"], "theme": ["border"], "focus": ["central"],
                       "sentences": [1]})
    with pytest.warns(PooledPlansWarning, match="pool plans of different kinds or levels"):
        coverage_stats({"tasks": tasks, "task_themes": tt}, themes=["border"], n_boot=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warn=False: no Python warning; the notebook shows describe_pooling
        s = coverage_stats({"tasks": tasks, "task_themes": tt}, themes=["border"], n_boot=100, warn=False)
    assert s.attrs["pooled"] == {("X", 2024): "department + province"}


# --------------------------------------------------------------------------- the notebooks as shipped (make notebooks)

NOTEBOOKS = ROOT / "notebooks"


def _outputs(name: str) -> tuple[str, list[dict]]:
    """The text of a stored notebook's outputs (charts' plotly.js left out) and its stream outputs."""
    import json
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    texts, streams = [], []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                streams.append(out)
            data = out.get("data", {})
            text = data.get("text/html") or data.get("text/plain") or out.get("text") or ""
            texts.append("".join(text) if isinstance(text, list) else text)
    return "\n".join(texts), streams


@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")))
def test_no_notebook_prints_a_python_warning(name):
    text, streams = _outputs(name)
    assert not [s for s in streams if s.get("name") == "stderr"], name
    assert "Warning" not in text and "/tmp/" not in text and "Traceback" not in text


def test_notebook_01_shows_the_problems_in_vietnamese(tmp_path, monkeypatch):
    """Problem messages, kinds and severities from the catalogue: none of the loader's English reaches the page."""
    import html
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path))
    text, _ = _outputs("01_corpus_overview.ipynb")
    probs = load_corpus(PLANS).problems
    assert len(probs) >= 5
    for kind, msg in zip(probs["kind"].astype(str), probs["message"].astype(str)):
        assert html.escape(msg, quote=False) not in text and html.escape(msg) not in text, msg
        vi = localize(kind, msg, "vi")
        assert html.escape(vi, quote=False) in text or html.escape(vi) in text, vi
        assert kinds()[kind].vi in html.unescape(text)  # the kind's meaning, not its identifier
    shown = html.unescape(text.split("<table", 2)[-1])  # the problem tables (not the plans' own titles)
    assert "cảnh báo" in shown and ">warning<" not in text


def test_notebook_03_shows_pooling_as_a_vietnamese_notice():
    text, _ = _outputs("03_theme_coverage.ipynb")
    assert "Đắk Lắk 2024 gộp 2 kế hoạch khác loại" in text
    source = (NOTEBOOKS / "03_theme_coverage.ipynb").read_text(encoding="utf-8")
    assert source.count("warn=False") >= 3 and "describe_pooling" in source


def test_notebook_04_lists_the_caveats_before_the_figures():
    text, _ = _outputs("04_leadership_brief.ipynb")
    head = text.split("Trong các kế hoạch", 1)[0]  # everything before the first comparison
    assert "Lưu ý về số liệu" in head and "¹ Đắk Lắk 2024" in head and "² Đắk Lắk 2025" in head
