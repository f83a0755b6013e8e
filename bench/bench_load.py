"""Benchmark of load_corpus on synthetic corpora of several sizes: cold vs the floor of unavoidable work, the first
cached run, a warm rerun, one new plan, a reload after an edit to the theme codebook, a report build; time, peak
memory and cache size (issue 27).

Usage:  .venv/bin/python bench/bench_load.py [--sizes 1000 3000 10000] [--report-at 1000] [--out bench/RESULTS.md]

The synthetic corpus is the seed plans in data/plans under other province names and years (each file unique).
The floor is what any loader must do in the same process: read every file, decode, NFC, and tokenize every line
with pyvi; it is measured on the first ``--floor-max`` plans and scaled by the number of plans beyond that (it is
linear: one pass over each line). Each phase runs in a fresh process; peak memory is the phase's max RSS plus its
largest worker's. The codebook edit is made in a copy of the package (bench/corpus/edited/), never in the
checkout: one term added to the first theme and the version bumped; the phase imports that copy. The cache size is
measured after the first cached run (plans, themes, checks, corpus entries), beside the plans' text; the tiny
plans are 200 plans of a few lines each, loaded into a cache of their own.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "plans"
WORK = ROOT / "bench" / "corpus"
TINY = 200
#: The package every phase imports: a snapshot of the committed package (``git archive HEAD``), so that edits made
#: in the checkout while the benchmark runs (the cache keys hash the parser's code) do not turn hits into misses.
SNAPSHOT: Path | None = None


def snapshot(rev: str) -> Path:
    """The package as committed at *rev*, in WORK/snapshot (its own folder on the path of each phase)."""
    out = WORK / "snapshot"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev, "ttdn_analysis"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
    return out


def make_corpus(n: int) -> Path:
    """Write n synthetic plans (seed texts under other provinces and years) into bench/corpus/plans-n."""
    sys.path.insert(0, str(ROOT))
    from ttdn_analysis.registry.provinces import provinces

    names = sorted(provinces()["name"].unique())
    seeds = sorted(p for p in SEEDS.iterdir() if p.suffix in (".txt", ".md"))
    texts = [(p.suffix, p.read_text(encoding="utf-8")) for p in seeds]
    own = ["Đắk Lắk", "Đồng Nai", "Gia Lai"]
    out = WORK / f"plans-{n}"
    if out.is_dir() and len(list(out.iterdir())) == n:
        return out
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for i in range(n):
        suffix, text = texts[i % len(texts)]
        prov = names[(i // len(texts)) % len(names)]
        year = 2019 + (i // (len(texts) * len(names))) % 8
        for o in own:
            text = text.replace(o, prov)
        for y in ("2023", "2024", "2025"):
            text = text.replace(f"năm {y}", f"năm {year}")
        (out / f"plan-{i:05d}{suffix}").write_text(f"<!-- synthetic {i} -->\n" + text if suffix == ".md"
                                                   else text + f"\n(bản thử nghiệm {i})\n", encoding="utf-8")
    return out


def make_tiny() -> Path:
    """200 tiny plans: a header, a title and two numbered tasks each."""
    out = WORK / "tiny"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for i in range(TINY):
        (out / f"tiny-{i:04d}.txt").write_text(
            f"ỦY BAN NHÂN DÂN TỈNH GIA LAI\nSố: {i}/KH-UBND\nKẾ HOẠCH\nThông tin đối ngoại năm 2025\n"
            "II. NHIỆM VỤ\n1. Tuyên truyền về biển, đảo. Sở Ngoại vụ chủ trì.\n"
            f"2. Quảng bá hình ảnh tỉnh ra nước ngoài (bản {i}). Sở Văn hóa, Thể thao và Du lịch chủ trì.\n",
            encoding="utf-8")
    return out


def edited_package() -> Path:
    """A copy of the package whose themes.toml has one more term and a new version: the parse is unchanged."""
    out = WORK / "edited"
    shutil.rmtree(out, ignore_errors=True)
    source = (SNAPSHOT or ROOT) / "ttdn_analysis"
    shutil.copytree(source, out / "ttdn_analysis", ignore=shutil.ignore_patterns("__pycache__"))
    toml = out / "ttdn_analysis" / "registry" / "data" / "themes.toml"
    text = toml.read_text(encoding="utf-8")
    text = re.sub(r'^version = "(\d{4})\.(\d{2})\.(\d+)"',
                  lambda m: f'version = "{m[1]}.{m[2]}.{int(m[3]) + 1}"', text, count=1, flags=re.M)
    text = text.replace("terms = [", 'terms = ["thử nghiệm đo thời gian", ', 1)
    toml.write_text(text, encoding="utf-8")
    return out


def _phase(name: str, folder: str, cache_dir: str, limit: int = 0) -> dict:
    os.environ["TTDN_CACHE_DIR"] = cache_dir
    os.environ["TTDN_PROGRESS"] = "0"
    sys.path.append(str(ROOT))  # after PYTHONPATH, so that an edited copy of the package is the one imported
    t0 = time.perf_counter()
    if name == "floor":
        import unicodedata

        from pyvi import ViTokenizer
        n = 0
        for p in sorted(Path(folder).iterdir())[:limit or None]:
            text = unicodedata.normalize("NFC", p.read_bytes().decode("utf-8"))
            for line in text.split("\n"):
                if line.strip():
                    ViTokenizer.tokenize(line)
            n += 1
        info: dict = {"files": n}
    elif name == "report":
        out = Path(cache_dir).parent / "report-out"
        shutil.rmtree(out, ignore_errors=True)
        run = subprocess.run([sys.executable, "-m", "ttdn_analysis", "report", "--data", folder, "--out", str(out)],
                             capture_output=True, text=True, cwd=ROOT)
        info = {"returncode": run.returncode, "stderr": run.stderr[-500:]}
    else:
        import ttdn_analysis
        from ttdn_analysis import load_corpus
        c = load_corpus(folder, cache=(name != "cold"))
        info = {"plans": len(c.plans), "tasks": len(c.tasks), "assignments": len(c.assignments),
                "task_themes": len(c.task_themes), "problems": len(c.problems),
                "failed": int(c.problems["kind"].astype(str).isin(["too_slow", "too_large", "parse_failed"]).sum()),
                "package": str(Path(ttdn_analysis.__file__).parent)}
    info["seconds"] = round(time.perf_counter() - t0, 3)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    info["peak_mb"] = round(rss / 1024, 1)
    return info


def run_phase(name: str, folder: Path, cache_dir: Path, package: Path | None = None, limit: int = 0) -> dict:
    env = dict(os.environ)
    package = package or SNAPSHOT
    if package is not None:  # the edited copy of the package comes first on the path
        env["PYTHONPATH"] = os.pathsep.join([str(package), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    out = subprocess.run([sys.executable, __file__, "--phase", name, str(folder), str(cache_dir), str(limit)],
                         capture_output=True, text=True, check=True, env=env)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["load"] = round(os.getloadavg()[0], 1)
    print(name, folder.name, res, file=sys.stderr, flush=True)
    return res


def _bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def cache_bytes(cache: Path) -> dict[str, int]:
    out = {}
    for area in ("plans", "themes", "checks", "corpus"):
        d = cache / "v2" / area
        out[area] = _bytes(d) if d.is_dir() else 0
    out["total"] = _bytes(cache)
    return out


def bench_size(n: int, floor_max: int, report: bool) -> dict:
    folder = make_corpus(n)
    text = _bytes(folder)
    cache = WORK / f"cache-{n}"
    shutil.rmtree(cache, ignore_errors=True)
    res: dict = {"n": n, "text_bytes": text, "load_before": round(os.getloadavg()[0], 1)}
    res["floor"] = run_phase("floor", folder, cache, limit=min(n, floor_max))
    res["floor_seconds"] = round(res["floor"]["seconds"] * n / res["floor"]["files"], 1)
    res["cold"] = run_phase("cold", folder, cache)
    res["warm_first"] = run_phase("warm", folder, cache)  # fills the cache
    res["cache"] = cache_bytes(cache)
    res["warm"] = run_phase("warm", folder, cache)
    extra = folder / "zz-new-plan.txt"
    extra.write_text((SEEDS / "gia-lai-2025-ubnd-ttdn.txt").read_text(encoding="utf-8").replace("2025", "2027"),
                     encoding="utf-8")
    try:  # before the codebook edit, so that the other plans' entries (parse and themes) are all current
        res["add_one"] = run_phase("warm", folder, cache)
    finally:
        extra.unlink()
    res["retag"] = run_phase("warm", folder, cache, edited_package())  # parse entries hit, every plan re-tagged
    if report:
        res["report"] = run_phase("report", folder, cache)
    res["load_after"] = round(os.getloadavg()[0], 1)
    shutil.rmtree(cache, ignore_errors=True)
    return res


def bench_tiny() -> dict:
    folder = make_tiny()
    cache = WORK / "cache-tiny"
    shutil.rmtree(cache, ignore_errors=True)
    r = run_phase("warm", folder, cache)
    size = cache_bytes(cache)
    shutil.rmtree(cache, ignore_errors=True)
    return {"plans": r["plans"], "cache": size, "per_plan": round(size["total"] / max(r["plans"], 1))}


def _mb(b: float) -> str:
    return f"{b / 1e6:.1f}"


def table(results: list[dict], tiny: dict) -> list[str]:
    lines = ["| plans | phase | seconds | ÷ floor | peak MB | note |", "|---|---|---|---|---|---|"]
    for r in results:
        n, floor = r["n"], r["floor_seconds"]
        cold = r["cold"]["seconds"]
        lines.append(f"| {n:,} | floor: read + NFC + pyvi tokenize every line | {floor} | 1 | "
                     f"{r['floor']['peak_mb']} | measured on {r['floor']['files']:,} plans, scaled to {n:,} |")
        for key, label in (("cold", "cold `load_corpus(cache=False)`"), ("warm_first", "first cached run (fills the "
                           "cache)"), ("warm", "warm rerun"), ("add_one", "add one plan"),
                           ("retag", "reload after an edit to themes.toml"), ("report", "`ttdn report` (warm cache)")):
            if key not in r:
                continue
            x = r[key]
            ratio = f"{x['seconds'] / floor:.2f}" if key in ("cold", "warm_first") else ""
            note = {"cold": f"{x.get('plans', 0):,} plans, {x.get('tasks', 0):,} tasks, "
                            f"{x.get('assignments', 0):,} assignments; {x.get('failed', 0)} failed",
                    "warm": f"÷ cold {x['seconds'] / cold:.3f}", "retag": f"÷ cold {x['seconds'] / cold:.2f}",
                    "report": f"exit {x.get('returncode')}"}.get(key, "")
            lines.append(f"| {n:,} | {label} | {x['seconds']} | {ratio} | {x['peak_mb']} | {note} (load {x['load']}) |")
        c = r["cache"]
        lines.append(f"| {n:,} | cache after the first cached run | | | | {_mb(c['total'])} MB = "
                     f"{c['total'] / r['text_bytes']:.2f} × the plans' text ({_mb(r['text_bytes'])} MB); "
                     f"{c['total'] / n / 1e3:.1f} KB a plan (plans {_mb(c['plans'])}, themes {_mb(c['themes'])}, "
                     f"checks {_mb(c['checks'])}, corpus {_mb(c['corpus'])} MB) |")
    lines.append(f"| {tiny['plans']} tiny plans (a header and two tasks) | cache | | | | "
                 f"{tiny['per_plan'] / 1e3:.1f} KB a plan |")
    if len(results) > 1:
        a, b = results[0], results[-1]
        lines += ["", f"Memory from {a['n']:,} to {b['n']:,} plans (cold peak): "
                  f"{b['cold']['peak_mb'] / a['cold']['peak_mb']:.2f}× (target ≤ 3×)."]
    return lines


def main() -> None:
    global WORK, SNAPSHOT
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000])
    ap.add_argument("--floor-max", type=int, default=1000)
    ap.add_argument("--report-at", type=int, nargs="*", default=[])
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--work", default=str(WORK), help="folder of the corpora, caches and package copies (one per "
                    "benchmark running at the same time)")
    ap.add_argument("--rev", default="HEAD", help="the committed package to measure ('' : the checkout as it is)")
    ap.add_argument("--phase", nargs=4)
    a = ap.parse_args()
    if a.phase:
        print(json.dumps(_phase(a.phase[0], a.phase[1], a.phase[2], int(a.phase[3]))))
        return
    WORK = Path(a.work).resolve()
    SNAPSHOT = snapshot(a.rev) if a.rev else None
    results = [bench_size(n, a.floor_max, n in a.report_at) for n in a.sizes]
    tiny = bench_tiny()
    (WORK / "last.json").write_text(json.dumps({"results": results, "tiny": tiny}, indent=1), encoding="utf-8")
    lines = [
        "# Loader benchmark",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
        f"run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Command: `python bench/bench_load.py --sizes "
        f"{' '.join(map(str, a.sizes))}`, package as committed at {a.rev or 'the checkout'}. "
        "The load column is the 1-minute load average after each phase (other "
        "work on the machine slows every phase; 2 means both cores busy).",
        "",
        *table(results, tiny),
    ]
    out = Path(a.out)
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    kept = old[old.index("<!-- hostile -->"):] if "<!-- hostile -->" in old else ""  # bench_hostile.py's part
    out.write_text("\n".join(lines) + "\n" + ("\n" + kept if kept else ""), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
