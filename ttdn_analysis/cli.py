"""Command line: ``python -m ttdn_analysis summary|report|export``."""
from __future__ import annotations

import argparse
import sys

from ttdn_analysis.corpus import load_corpus

__all__ = ["main"]

DEFAULT_DATA = "data/plans"


def _summary(args: argparse.Namespace) -> int:
    corpus = load_corpus(args.data, cache=not args.no_cache)
    summ = corpus.summary()
    if summ.empty:
        print(f"no plans found in {args.data}")
    else:
        print(summ.to_string(index=False))
    probs = corpus.problems
    shown = probs if args.all_problems else probs[probs.severity != "info"]
    print(f"\nproblems: {len(probs)} ({len(probs) - len(shown)} info rows hidden; --all-problems shows them)")
    if len(shown):
        print(shown.to_string(index=False, max_colwidth=110))
    return 0


def _export(args: argparse.Namespace) -> int:
    from ttdn_analysis.io.tables import export_corpus

    corpus = load_corpus(args.data, cache=not args.no_cache)
    for path in export_corpus(corpus, args.out, args.format):
        print(path)
    return 0


def _report(args: argparse.Namespace) -> int:
    from ttdn_analysis.report.build import build_reports
    paths = build_reports(args.data, args.out, lang=args.lang)
    for p in paths:
        print(p)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point.

    Examples
    --------
    >>> main(["summary", "/nonexistent-folder"])  # doctest: +ELLIPSIS
    no plans found in /nonexistent-folder
    ...
    0
    """
    ap = argparse.ArgumentParser(prog="python -m ttdn_analysis", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("summary", help="one line per plan, then the problems")
    s.add_argument("data", nargs="?", default=DEFAULT_DATA)
    s.add_argument("--no-cache", action="store_true")
    s.add_argument("--all-problems", action="store_true")
    s.set_defaults(func=_summary)
    e = sub.add_parser("export", help="write all tables as csv, parquet or xlsx")
    e.add_argument("--data", default=DEFAULT_DATA)
    e.add_argument("--format", choices=("csv", "parquet", "xlsx"), default="csv")
    e.add_argument("--out", default="reports/tables")
    e.add_argument("--no-cache", action="store_true")
    e.set_defaults(func=_export)
    r = sub.add_parser("report", help="run the notebooks and write offline HTML reports")
    r.add_argument("--data", default=DEFAULT_DATA)
    r.add_argument("--out", default="reports")
    r.add_argument("--lang", choices=("vi", "en"), default="vi")
    r.set_defaults(func=_report)
    args = ap.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
