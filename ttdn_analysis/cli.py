"""The command line, ``ttdn`` (= ``python -m ttdn_analysis``): summary, report, export, check, coverage, kwic,
network and cache. Help and messages come in Vietnamese (``--lang en``, or ``TTDN_LANG=en``, for English).

The contract (README, *Quick start*): exit 0 when done; 1 when a plan cannot be used (a problem of severity
error: unreadable, empty, no tasks …), when ``check`` reads no plan from its file, or a report failed; 2 when the
input cannot be used (a missing folder or file, an unknown province or theme, a filter that matches no plan, a bad
``--out``, a broken theme codebook, a cache folder that cannot be cleared). Errors are one line on stderr, never a
traceback; output cut off by the reader (``ttdn summary | head -1``) is not an error. Every text that comes from
the data (file names, agency names, messages) reaches the terminal through
:func:`ttdn_analysis.io.safety.terminal_text`.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ttdn_analysis.corpus import Corpus, load_corpus
from ttdn_analysis.io.safety import terminal_text
from ttdn_analysis.labels import LANGUAGES, labels
from ttdn_analysis.messages import kinds as catalogue_kinds
from ttdn_analysis.messages import localize, localize_problems

__all__ = ["main", "build_parser", "CliError"]

DEFAULT_DATA = "data/plans"


class CliError(Exception):
    """A problem the user can fix (a missing folder, an unknown name): printed as one line, exit code 2."""


#: Exit codes: done; the command ran and found errors (or a report failed); the input could not be used.
OK, FOUND_ERRORS, BAD_INPUT = 0, 1, 2


def _lang_of(argv: Sequence[str]) -> str:
    """The language asked for on the command line (``--lang en`` / ``--lang=en``) or in TTDN_LANG."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGUAGES:
            return arg.split("=", 1)[1]
    env = os.environ.get("TTDN_LANG", "")
    return env if env in LANGUAGES else "vi"


def _say(*parts: object, file: Any = None) -> None:
    """Print a line the program composed; whatever control characters it carries from the data are shown, not
    obeyed (line breaks of the composed text stay)."""
    print(terminal_text(" ".join(str(p) for p in parts), lines=True), file=file)


def _v(value: object) -> str:
    """A value from the data (a file name, an agency, a title, a message) as one line safe for the terminal."""
    return terminal_text(value)


def _print_table(df: pd.DataFrame, columns: dict[str, str] | None = None, limit: int = 0) -> None:
    shown = df if not limit else df.head(limit)
    if columns:
        shown = shown.rename(columns=columns)
    shown = shown.copy()
    for col in shown.columns:
        s = shown[col]
        if s.dtype == object or isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(s.dtype):
            shown[col] = s.astype(object).map(lambda x: x if _missing(x) else _v(x))
    shown.columns = [_v(c) for c in shown.columns]
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        _say(shown.to_string(index=not isinstance(shown.index, pd.RangeIndex)))


def _corpus(args: argparse.Namespace, T: dict[str, str]) -> Corpus:
    """The corpus of ``--data`` (an error when the folder does not exist), filtered by --province / --year; a
    filter value that matches no plan is an error naming the provinces and years the folder has."""
    data = Path(args.data)
    if not data.is_dir():
        raise CliError(T["no_data_folder"].format(path=data))
    provinces = _provinces(args, T)
    years = getattr(args, "year", None)
    corpus = load_corpus(data, cache=not getattr(args, "no_cache", False))
    _matched(corpus, provinces, years, data, args.lang)
    return corpus.select(provinces, years)


def _matched(corpus: Corpus, provinces: list[str] | None, years: list[int] | None, data: Path, lang: str) -> None:
    """CliError unless every --province has a plan, and every --year a plan of those provinces."""
    E = labels(lang, "cli_errors")
    plans = corpus.plans
    have = plans[plans["province"].notna() & plans["year"].notna()]
    pairs = sorted({(str(p), int(y)) for p, y in zip(have["province"], have["year"])})
    wanted = list(provinces or [])
    missing = [E["what_province"].format(name=p) for p in wanted if p not in {q for q, _ in pairs}]
    in_scope = [(p, y) for p, y in pairs if not wanted or p in wanted]
    missing += [E["what_year"].format(year=y) for y in years or [] if int(y) not in {yr for _, yr in in_scope}]
    if not missing:
        return
    by_province: dict[str, list[str]] = {}
    for p, y in pairs:
        by_province.setdefault(p, []).append(str(y))
    available = "; ".join(f"{p} ({', '.join(ys)})" for p, ys in by_province.items()) or E["no_match_none"]
    raise CliError(E["no_match"].format(what=", ".join(missing), data=data, available=available))


def _errors_found(corpus: Corpus, lang: str) -> int:
    """FOUND_ERRORS (and a line on stderr naming the files) when a plan of *corpus* cannot be used, else OK."""
    probs = corpus.problems
    bad = sorted({Path(str(f)).name for f in probs.loc[probs["severity"] == "error", "source_file"]})
    if not bad:
        return OK
    shown = ", ".join(bad[:10]) + (" …" if len(bad) > 10 else "")
    _say(labels(lang, "cli_errors")["plans_with_errors"].format(n=len(bad), files=_v(shown)), file=sys.stderr)
    return FOUND_ERRORS


def _out_dir(out: str | os.PathLike, data: Path | None, lang: str, file: bool = False) -> Path:
    """The --out folder (or, with ``file=True``, the --out file's folder) made and writable, or a CliError: a file
    where a folder should be, a place that cannot be written, a place inside the data folder (the next load would
    read what is written there as plans)."""
    E = labels(lang, "cli_errors")
    path = Path(out)
    folder = path.parent if file else path
    if data is not None:
        target = Path(os.path.realpath(path))
        if target == Path(os.path.realpath(data)) or target.is_relative_to(os.path.realpath(data)):
            raise CliError(E["out_in_data"].format(path=path, data=data))
    if file and path.is_dir():
        raise CliError(E["out_unwritable"].format(path=path, detail=_v(os.strerror(21))))  # EISDIR
    for p in (folder, *folder.parents):
        if p.exists() or p.is_symlink():
            if not p.is_dir():
                raise CliError(E["out_is_file"].format(path=p))
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(E["out_unwritable"].format(path=folder, detail=_v(exc.strerror or exc))) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CliError(E["out_unwritable"].format(path=folder, detail=_v(os.strerror(13))))  # EACCES
    return path


@contextlib.contextmanager
def _writing(path: Path, lang: str):
    """An OSError while writing the outputs is a one-line error (exit 2), not a traceback."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or path
        raise CliError(labels(lang, "cli_errors")["out_unwritable"].format(
            path=where, detail=_v(exc.strerror or exc))) from exc


def _provinces(args: argparse.Namespace, T: dict[str, str]) -> list[str] | None:
    """The --province names as the tables write them ("dak lak" -> "Đắk Lắk"); an error for an unknown one."""
    names = getattr(args, "province", None)
    if not names:
        return None
    from ttdn_analysis.registry.provinces import canonical_province

    canon = []
    for name in names:
        c = canonical_province(name)
        if c is None:
            raise CliError(T["unknown_province"].format(name=name))
        canon.append(c)
    return canon


def _summary(args: argparse.Namespace, lang: str) -> int:
    T, L = labels(lang, "cli"), labels(lang)
    corpus = _corpus(args, T)
    summary = corpus.summary()
    if summary.empty:
        _say(T["no_plans"].format(path=args.data))
    else:
        levels = {"province": L["province_level"], "department": L["department_level"]}
        summary = summary.assign(level=summary["level"].astype(object).map(lambda v: levels.get(v, v)))
        if lang != "en":  # the kinds are English identifiers: the Vietnamese table names them by their codes
            summary = summary.assign(problems_by_kind=summary["problems_by_kind"].map(_kinds_as_codes))
        _print_table(summary, {"plan_id": L["plan"], "province": L["province"], "year": L["year"],
                               "level": L["level"], "tasks": L["tasks"], "assignments": L["assignments"],
                               "agencies": L["agencies"], "lead_share": L["lead_share"], "problems": L["problems"],
                               "problems_by_kind": L["problems_by_kind"]})
    probs = localize_problems(corpus.problems, lang)  # messages in the reader's language
    shown = probs if args.all_problems else probs[probs["severity"] != "info"]
    _say("\n" + T["problems_line"].format(n=len(probs), hidden=len(probs) - len(shown)))
    if len(shown):
        shown = shown.reset_index(drop=True).assign(
            source_file=shown["source_file"].map(lambda s: Path(str(s)).name).to_numpy(),
            severity=shown["severity"].astype(object).map(lambda v: L.get(f"severity_{v}", v)).to_numpy())
        columns = {"source_file": L["file"], "line": L["line"], "severity": L["severity"], "kind": L["kind"],
                   "message": L["message"], "page": L["page"], "code": L["code"]}
        if lang != "en":  # the code stands for the kind; its Vietnamese meaning is the message
            del columns["kind"]
        _print_table(shown[[c for c in columns if c in shown.columns]], columns)
    return _errors_found(corpus, lang)


def _kinds_as_codes(by_kind: str) -> str:
    """``"no_date 1, numbering_gap 6"`` as ``"P022 ×1, P018 ×6"``: the catalogue's codes, in either language.

    Examples
    --------
    >>> _kinds_as_codes("no_date 1, numbering_gap 6")
    'P018 ×6, P022 ×1'
    >>> _kinds_as_codes("")
    ''
    """
    known = catalogue_kinds()
    parts = []
    for piece in filter(None, (p.strip() for p in str(by_kind).split(","))):
        kind, _, n = piece.rpartition(" ")
        parts.append(f"{known[kind].code if kind in known else kind} ×{n}")
    return ", ".join(sorted(parts))


def _progress(total: int, desc: str) -> tuple[Callable[[str], None], Callable[[], None]]:
    """A progress bar on stderr (shown only on a terminal): (advance, close)."""
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, disable=None, leave=False)
    return (lambda _name: bar.update(1)), bar.close


def _report(args: argparse.Namespace, lang: str) -> int:
    T = labels(lang, "cli")
    try:
        from ttdn_analysis.report.build import NOTEBOOKS, ReportError, build_reports, refresh_notebooks
    except ImportError as exc:
        raise CliError(T["missing_extra"].format(extra="reports", detail=exc)) from exc
    started = time.perf_counter()
    if args.refresh_notebooks:
        paths = refresh_notebooks()
    else:
        data = Path(args.data)
        corpus = _corpus(args, T)  # an unknown name or a filter with no plan fails here, before any notebook runs
        out = _out_dir(args.out, data, lang)
        advance, close = _progress(len(NOTEBOOKS), T["reports_progress"])
        try:
            with _writing(out, lang):
                paths = build_reports(data, out, lang=lang, provinces=_provinces(args, T), years=args.year,
                                      jobs=args.jobs, progress=advance)
        except ReportError as exc:
            _say(T["error"].format(message=_v(exc)), file=sys.stderr)
            return FOUND_ERRORS
        finally:
            close()
    _say(T["written"].format(n=len(paths)))
    for p in paths:
        _say(_v(p))
    _say(T["seconds"].format(seconds=f"{time.perf_counter() - started:.0f}"), file=sys.stderr)
    return OK if args.refresh_notebooks else _errors_found(corpus, lang)


def _export(args: argparse.Namespace, lang: str) -> int:
    T = labels(lang, "cli")
    from ttdn_analysis.io.tables import export_corpus

    corpus = _corpus(args, T)
    out = _out_dir(args.out, Path(args.data), lang)
    try:
        with _writing(out, lang):
            paths = export_corpus(corpus, out, args.format)
    except ImportError as exc:  # openpyxl for xlsx
        raise CliError(T["missing_extra"].format(extra="xlsx", detail=exc)) from exc
    _say(T["written"].format(n=len(paths)))
    for p in paths:
        _say(_v(p))
    return _errors_found(corpus, lang)


def _day(value: object, lang: str) -> object:
    """A date as the reader writes it: 29/01/2024 in Vietnamese, 2024-01-29 in English (no time of day)."""
    if _missing(value) or not hasattr(value, "strftime"):
        return value
    return value.strftime("%d/%m/%Y" if lang == "vi" else "%Y-%m-%d")


def _check(args: argparse.Namespace, lang: str) -> int:
    """Everything read from one plan, in the reader's language, before it joins the corpus."""
    T, L = labels(lang, "cli"), labels(lang)
    kinds, themes_of = labels(lang, "problem_kinds"), _theme_names(lang)
    path = Path(args.file)
    if not path.is_file():
        raise CliError(T["no_file"].format(path=path))
    c = load_corpus([path], cache=False)
    _say(f"{T['check_file']}: {_v(path.name)}")
    for p in c.plans.itertuples(index=False):
        _say(f"\n== {T['check_plan']}")
        level = {"province": L["province_level"], "department": L["department_level"]}.get(p.level, p.level)
        for label, value in ((L["province"], p.province), (L["year"], p.year), (L["level"], level),
                             (L["issuer"], p.issuer), (L["number"], p.number), (L["date"], _day(p.date, lang)),
                             (L["title"], p.title), (L["sha256"], p.content_hash)):
            _say(f"  {label}: {'' if _missing(value) else _v(value)}")
    a, tt = c.assignments, c.task_themes
    _say(f"\n== {T['check_tasks']} ({len(c.tasks)})")
    for t in c.tasks.itertuples(index=False):
        _say(f"  {_v(t.path)}  [{T['check_lines']} {t.line_start}–{t.line_end}]  {_v(t.title)}")
        for role in ("lead", "support"):
            names = sorted(set(a[(a["task_id"] == t.task_id) & (a["role"] == role)]["agency"]))
            _say(f"      {L[role]}: {'; '.join(_v(n) for n in names) or T['check_none']}")
        tags = [themes_of.get(x, x) for x in dict.fromkeys(tt[tt["task_id"] == t.task_id]["theme"])]
        if tags:
            _say(f"      {T['check_themes']}: {', '.join(_v(x) for x in tags)}")
    probs = localize_problems(c.problems, lang)  # messages in the reader's language
    _say(f"\n== {T['check_problems']} ({len(probs)})")
    for r in probs.itertuples(index=False):
        where = T["check_line"].format(line=r.line) if not _missing(r.line) else _v(Path(str(r.source_file)).name)
        severity = L.get(f"severity_{r.severity}", r.severity)
        _say(f"  {where} · {severity} · {_v(kinds.get(r.kind, r.kind))}\n      {_v(r.message)}")
    errors = int((probs["severity"] == "error").sum())
    others = int((probs["severity"] == "warning").sum())
    _say()
    if errors:
        _say(T["check_errors"].format(n=errors))
        return FOUND_ERRORS
    if c.plans.empty or c.tasks.empty:  # a non-plan (an image, a text without tasks) never "reads"
        _say(labels(lang, "cli_errors")["check_not_plan"])
        return FOUND_ERRORS
    _say(T["check_warnings"].format(n=others) if others else T["check_ok"])
    return OK


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _theme_names(lang: str) -> dict[str, str]:
    from ttdn_analysis.registry.codebook import load_codebook

    return {t.key: (t.label_en if lang == "en" else t.label_vi) for t in load_codebook().themes}


def _coverage(args: argparse.Namespace, lang: str) -> int:
    from ttdn_analysis.analysis.coverage import coverage

    T = labels(lang, "cli")
    corpus = _corpus(args, T)
    by = [c.strip() for c in args.by.split(",") if c.strip()]
    try:
        table = coverage(corpus, by=by, measure=args.measure)
    except (ValueError, KeyError) as exc:
        raise CliError(_v(exc)) from exc
    _print_table(table.rename(columns=_theme_names(lang)))
    return _errors_found(corpus, lang)


def _kwic(args: argparse.Namespace, lang: str) -> int:
    from ttdn_analysis.analysis.coverage import kwic

    T, L = labels(lang, "cli"), labels(lang)
    corpus = _corpus(args, T)
    try:
        hits = kwic(corpus, args.theme)
    except ValueError as exc:
        raise CliError(_v(exc)) from exc
    hits = hits.assign(file=hits["source_file"].map(lambda s: Path(str(s)).name))
    cols = {"file": L["file"], "path": L["path"], "line": L["line"], "left": L["left"], "match": L["match"],
            "right": L["right"]}
    _print_table(hits[[c for c in cols if c in hits.columns]], cols, limit=args.limit)
    _say(f"\n{len(hits)}")
    return _errors_found(corpus, lang)


def _network(args: argparse.Namespace, lang: str) -> int:
    from ttdn_analysis.analysis.networks import coassignment_graph

    T = labels(lang, "cli")
    suffix = Path(args.out).suffix.lower()
    if suffix not in (".gexf", ".graphml", ".csv", ".html"):
        raise CliError(T["unknown_suffix"].format(suffix=suffix))
    args.province, args.year = [args.province], [args.year]
    corpus = _corpus(args, T)
    if corpus.assignments.empty:
        raise CliError(T["empty_network"].format(province=args.province[0], year=args.year[0]))
    graph = coassignment_graph(corpus.assignments, weight=args.weight, tasks=corpus.tasks)
    out = _out_dir(args.out, Path(args.data), lang, file=True)
    with _writing(out, lang):
        _write_network(graph, corpus, out, suffix, args, lang)
    _say(T["written"].format(n=1))
    _say(_v(out))
    return _errors_found(corpus, lang)


def _write_network(graph: Any, corpus: Corpus, out: Path, suffix: str, args: argparse.Namespace, lang: str
                   ) -> None:
    T = labels(lang, "cli")
    if suffix == ".html":
        try:
            from ttdn_analysis.plotting.network import network_figure
            from ttdn_analysis.report.brief import successor_notes
        except ImportError as exc:
            raise CliError(T["missing_extra"].format(extra="reports", detail=exc)) from exc
        province = str(corpus.plans["province"].iloc[0])
        title = labels(lang)["coassign_title"].format(province=f"{province} {args.year[0]}")
        fig = network_figure(graph, title=title, lang=lang, notes=successor_notes(graph.nodes, lang, province))
        fig.write_html(out, include_plotlyjs=True, full_html=True, config={"displaylogo": False})
    else:
        from ttdn_analysis.io.graphs import to_gexf, to_graphml, write_edge_list

        {".gexf": to_gexf, ".graphml": to_graphml, ".csv": write_edge_list}[suffix](graph, out)


def _cache(args: argparse.Namespace, lang: str) -> int:
    from ttdn_analysis.cache import MARKER, CacheError, cache_dir, cache_info, clear_cache, is_cache
    from ttdn_analysis.ingest.limits import human_size

    T, E = labels(lang, "cli"), labels(lang, "cli_errors")
    if args.action == "clear":
        root = cache_dir()
        if not is_cache(root) and (not root.exists() or (root.is_dir() and not any(root.iterdir()))):
            _say(E["cache_nothing"].format(path=root))
            return OK
        try:
            freed = clear_cache(root)
        except CacheError as exc:  # a file, or a folder the cache did not create: nothing is removed
            raise CliError(E["clear_" + exc.code.removeprefix("cache_")].format(path=root, marker=MARKER)) from exc
        _say(T["cache_cleared"].format(path=root, size=human_size(freed)))
        return OK
    info = cache_info()
    _say(T["cache_folder"].format(path=info.path))
    if info.problem:
        _say(E["warning"].format(message=E[info.problem].format(path=info.path, marker=MARKER)), file=sys.stderr)
        _say(E["cache_not_ours_info"].format(marker=MARKER))
        return BAD_INPUT
    _say(T["cache_size"].format(size=human_size(info.total), limit=human_size(info.limit)))
    for area, n in info.entries.items():
        _say(T["cache_area"].format(area=area, n=n, size=human_size(info.bytes[area])))
    if info.other_bytes:
        _say(T["cache_older"].format(size=human_size(info.other_bytes)))
    return OK


def _ocr(args: argparse.Namespace, lang: str) -> int:
    """The recognised text of a scan, page by page, written for correction (:mod:`ttdn_analysis.ingest.ocr_export`)."""
    from ttdn_analysis.cache import OcrCache, open_cache
    from ttdn_analysis.ingest.ocr_export import OcrInputError, export_ocr

    T = labels(lang, "cli")
    path = Path(args.file)
    if not path.is_file():
        raise CliError(T["no_file"].format(path=path))
    root = None if getattr(args, "no_cache", False) else open_cache()
    try:
        done = export_ocr(path, args.out, OcrCache(root) if root is not None else None)
    except OcrInputError as exc:  # in the reader's language, as the catalogue has it
        if lang == "en":
            raise CliError(str(exc)) from exc
        if exc.kind == "not_a_scan":
            raise CliError(T["ocr_not_a_scan"].format(name=path.name)) from exc
        raise CliError(localize(exc.kind, str(exc), lang)) from exc
    _say(T["written"].format(n=len(done.files)))
    for f in done.files:
        _say(_v(f))
    _say(T["ocr_done"].format(pages=done.pages, recognised=done.recognised, weak=done.weak_lines,
                               whole=Path(args.out) / f"{path.stem}.txt"))
    return OK


#: command -> (handler, example shown in its help)
COMMANDS: dict[str, tuple[Callable[[argparse.Namespace, str], int], str]] = {
    "summary": (_summary, "ttdn summary --data data/plans"),
    "report": (_report, "ttdn report --data data/plans --out reports --province 'Đắk Lắk' --year 2025"),
    "export": (_export, "ttdn export --data data/plans --format xlsx --out reports/tables"),
    "check": (_check, "ttdn check data/plans/gia-lai-2025-ubnd-ttdn.txt"),
    "coverage": (_coverage, "ttdn coverage --data data/plans --by province,year --measure task_share"),
    "kwic": (_kwic, "ttdn kwic border --data data/plans --province 'Gia Lai' --limit 20"),
    "network": (_network, "ttdn network --province 'Đắk Lắk' --year 2025 --out dak-lak-2025.gexf"),
    "cache": (_cache, "ttdn cache info"),
    "ocr": (_ocr, "ttdn ocr data/plans/quang-ngai-2026-scan.pdf --out ocr-text"),
}


def _localised(T: dict[str, str]) -> type[argparse.HelpFormatter]:
    """A help formatter that writes argparse's own words ("usage:") in the interface language."""

    class Formatter(argparse.RawDescriptionHelpFormatter):
        def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
            super().add_usage(usage, actions, groups, prefix=T["usage"] if prefix is None else prefix)

    return Formatter


def _parser(T: dict[str, str], **kwargs: Any) -> argparse.ArgumentParser:
    """An argument parser whose help flag, usage line and section titles are in the interface language."""
    ap = argparse.ArgumentParser(add_help=False, formatter_class=_localised(T), **kwargs)
    ap._optionals.title = T["options"]
    ap._positionals.title = T["positionals"]
    ap.add_argument("-h", "--help", action="help", help=T["help"])
    return ap


def build_parser(lang: str = "vi") -> argparse.ArgumentParser:
    """The ``ttdn`` argument parser, its help in *lang*.

    Parameters
    ----------
    lang : {"vi", "en"}, default "vi"

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> sorted(build_parser().parse_args(["check", "x.txt"]).__dict__)[:3]
    ['cmd', 'file', 'lang']
    """
    T = labels(lang, "cli")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGUAGES, default=lang, help=T["lang"])
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data", default=DEFAULT_DATA, help=T["data"].format(default=DEFAULT_DATA))
    data.add_argument("--no-cache", action="store_true", help=T["no_cache"])
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--province", action="append", help=T["province"])
    filters.add_argument("--year", action="append", type=int, help=T["year"])

    ap = _parser(T, prog="ttdn", description=T["description"], epilog=T["epilog"], parents=[common])
    sub = ap.add_subparsers(dest="cmd", required=True, title=T["commands"], metavar="{" + ",".join(COMMANDS) + "}")

    def command(name: str, *parents: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=T[name], description=T[name], parents=[common, *parents], add_help=False,
                           epilog=T["example"].format(example=COMMANDS[name][1]), formatter_class=_localised(T))
        p._optionals.title, p._positionals.title = T["options"], T["positionals"]
        p.add_argument("-h", "--help", action="help", help=T["help"])
        return p

    s = command("summary", data)
    s.add_argument("--all-problems", action="store_true", help=T["all_problems"])
    r = command("report", data, filters)
    r.add_argument("--out", default="reports", help=T["out_reports"].format(default="reports"))
    r.add_argument("--jobs", type=int, default=None, help=T["jobs"])
    r.add_argument("--refresh-notebooks", action="store_true", help=T["refresh"])
    e = command("export", data, filters)
    e.add_argument("--format", choices=("csv", "parquet", "xlsx"), default="xlsx",
                   help=T["format"].format(default="xlsx"))
    e.add_argument("--out", default="reports/tables", help=T["out_tables"].format(default="reports/tables"))
    c = command("check")
    c.add_argument("file", help=T["file"])
    v = command("coverage", data, filters)
    v.add_argument("--by", default="province,year", help=T["by"].format(default="province,year"))
    v.add_argument("--measure", default="task_share", choices=("task_share", "focus_share", "text_share", "tasks"),
                   help=T["measure"].format(default="task_share"))
    k = command("kwic", data, filters)
    k.add_argument("theme", help=T["theme"])
    k.add_argument("--limit", type=int, default=50, help=T["limit"].format(default=50))
    n = command("network", data)
    n.add_argument("--province", required=True, help=T["province_one"])
    n.add_argument("--year", required=True, type=int, help=T["year_one"])
    n.add_argument("--out", required=True, help=T["out_network"])
    n.add_argument("--weight", choices=("count", "newman", "jaccard"), default="count",
                   help=T["weight"].format(default="count"))
    x = command("cache")
    x.add_argument("action", choices=("info", "clear"), help=T["cache_action"])
    o = command("ocr")
    o.add_argument("file", help=T["scan_file"])
    o.add_argument("--out", required=True, help=T["out_ocr"])
    o.add_argument("--no-cache", action="store_true", help=T["no_cache"])
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return its exit code (0 done, 1 errors found, 2 input not usable).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int

    Examples
    --------
    >>> main(["summary", "--data", "/nonexistent-folder", "--lang", "en"])  # the message goes to stderr
    2
    """
    from ttdn_analysis.registry.codebook import CodebookError

    args_in = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_of(args_in)
    args = build_parser(lang).parse_args(args_in)
    E = labels(args.lang, "cli_errors")
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            warnings.simplefilter("ignore", FutureWarning)  # library deprecations are for developers
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                return COMMANDS[args.cmd][0](args, args.lang)
            finally:
                _notices(seen, args.lang)
    except CliError as exc:
        message = str(exc)
    except CodebookError as exc:
        message = (E["codebook"].format(path=exc.path, line=exc.line, detail=exc.detail) if exc.line else
                   E["codebook_noline"].format(path=exc.path, detail=exc.detail))
    except BrokenPipeError:  # the reader stopped reading (| head): no traceback, and no error of ours
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # the interpreter's last flush must not fail again
        return OK
    with contextlib.suppress(BrokenPipeError):
        _say(labels(args.lang, "cli")["error"].format(message=message), file=sys.stderr)
    return BAD_INPUT


def _notices(seen: list, lang: str) -> None:
    """The warnings a command raised, one line each on stderr in the reader's language (a cache folder that cannot
    be used, a pooled comparison …), each once."""
    from ttdn_analysis.cache import MARKER, CacheWarning

    E = labels(lang, "cli_errors")
    shown: set[str] = set()
    for w in seen:
        m = w.message
        text = (E[m.code].format(path=m.path, marker=MARKER) if isinstance(m, CacheWarning) and m.code in E
                else str(m))
        if text not in shown:
            shown.add(text)
            with contextlib.suppress(BrokenPipeError):
                _say(E["warning"].format(message=_v(text)), file=sys.stderr)
