"""Benchmark of load_corpus on a synthetic corpus: cold vs the floor of unavoidable work, warm rerun, one new plan,
and a reload after an edit to the theme codebook (issue 15: at most half of a cold load).

Usage:  .venv/bin/python bench/bench_load.py [--n 1000] [--out bench/RESULTS.md]

The synthetic corpus is the seed plans in data/plans under other province names and years (each file unique).
The floor is what any loader must do in the same process: read every file, decode, NFC, and tokenize every
line with pyvi. Each phase runs in a fresh process; peak memory is the phase's max RSS (workers included).
The codebook edit is made in a copy of the package (bench/corpus/edited/), never in the checkout: one term added
to the first theme and the version bumped; the phase imports that copy.
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


def make_corpus(n: int) -> Path:
    """Write n synthetic plans (seed texts under other provinces and years) into bench/corpus/plans."""
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
        (out / f"plan-{i:04d}{suffix}").write_text(f"<!-- synthetic {i} -->\n" + text if suffix == ".md"
                                                   else text + f"\n(bản thử nghiệm {i})\n", encoding="utf-8")
    return out


def edited_package() -> Path:
    """A copy of the package whose themes.toml has one more term and a new version: the parse is unchanged."""
    out = WORK / "edited"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(ROOT / "ttdn_analysis", out / "ttdn_analysis", ignore=shutil.ignore_patterns("__pycache__"))
    toml = out / "ttdn_analysis" / "registry" / "data" / "themes.toml"
    text = toml.read_text(encoding="utf-8")
    text = re.sub(r'^version = "(\d{4})\.(\d{2})\.(\d+)"',
                  lambda m: f'version = "{m[1]}.{m[2]}.{int(m[3]) + 1}"', text, count=1, flags=re.M)
    text = text.replace("terms = [", 'terms = ["thử nghiệm đo thời gian", ', 1)
    toml.write_text(text, encoding="utf-8")
    return out


def _phase(name: str, folder: str, cache_dir: str) -> dict:
    os.environ["TTDN_CACHE_DIR"] = cache_dir
    sys.path.append(str(ROOT))  # after PYTHONPATH, so that an edited copy of the package is the one imported
    t0 = time.perf_counter()
    if name == "floor":
        import unicodedata

        from pyvi import ViTokenizer
        n = 0
        for p in sorted(Path(folder).iterdir()):
            text = unicodedata.normalize("NFC", p.read_bytes().decode("utf-8"))
            for line in text.split("\n"):
                if line.strip():
                    ViTokenizer.tokenize(line)
            n += 1
        info = {"files": n}
    else:
        import ttdn_analysis
        from ttdn_analysis import load_corpus
        c = load_corpus(folder, cache=(name != "cold"))
        info = {"plans": len(c.plans), "tasks": len(c.tasks), "assignments": len(c.assignments),
                "task_themes": len(c.task_themes), "package": str(Path(ttdn_analysis.__file__).parent)}
    info["seconds"] = round(time.perf_counter() - t0, 3)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    info["peak_mb"] = round(rss / 1024, 1)
    return info


def run_phase(name: str, folder: Path, cache_dir: Path, package: Path | None = None) -> dict:
    env = dict(os.environ)
    if package is not None:  # the edited copy of the package comes first on the path
        env["PYTHONPATH"] = os.pathsep.join([str(package), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    out = subprocess.run([sys.executable, __file__, "--phase", name, str(folder), str(cache_dir)],
                         capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--phase", nargs=3)
    a = ap.parse_args()
    if a.phase:
        print(json.dumps(_phase(*a.phase)))
        return
    load_before = os.getloadavg()[0]
    folder = make_corpus(a.n)
    mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
    cache = WORK / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    res = {"floor": run_phase("floor", folder, cache), "cold": run_phase("cold", folder, cache)}
    res["warm_first"] = run_phase("warm", folder, cache)  # fills the cache
    res["warm"] = run_phase("warm", folder, cache)
    extra = folder / "zz-new-plan.txt"
    extra.write_text((SEEDS / "gia-lai-2025-ubnd-ttdn.txt").read_text(encoding="utf-8").replace("2025", "2027"),
                     encoding="utf-8")
    try:  # before the codebook edit, so that the other plans' entries (parse and themes) are all current
        res["add_one"] = run_phase("warm", folder, cache)
    finally:
        extra.unlink()
    res["retag"] = run_phase("warm", folder, cache, edited_package())  # parse entries hit, every plan re-tagged
    cold, floor, warm = res["cold"]["seconds"], res["floor"]["seconds"], res["warm"]["seconds"]
    lines = [
        "# Loader benchmark",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
        f"run on {time.strftime('%Y-%m-%d')}. Command: `make bench` (`python bench/bench_load.py --n {a.n}`). "
        f"Load average (1 min) before / after: {load_before:.1f} / {os.getloadavg()[0]:.1f} (other work on the "
        "machine slows every phase alike; the ratios are the figures to compare).",
        f"Corpus: {a.n} synthetic plans, {mb:.1f} MB (the seed plans under other provinces and years).",
        "",
        "| phase | seconds | peak MB | note |",
        "|---|---|---|---|",
        f"| floor: read + NFC + pyvi tokenize every line | {floor} | {res['floor']['peak_mb']} | one process |",
        f"| cold `load_corpus(cache=False)` | {cold} | {res['cold']['peak_mb']} | "
        f"{res['cold']['plans']} plans, {res['cold']['tasks']} tasks, {res['cold']['assignments']} assignments |",
        f"| first cached run (fills the cache) | {res['warm_first']['seconds']} | {res['warm_first']['peak_mb']} | |",
        f"| warm rerun | {warm} | {res['warm']['peak_mb']} | corpus cache hit |",
        f"| add one plan to the corpus | {res['add_one']['seconds']} | {res['add_one']['peak_mb']} | "
        "per-file cache for the others |",
        f"| reload after an edit to themes.toml | {res['retag']['seconds']} | {res['retag']['peak_mb']} | "
        "parse entries hit; every plan re-tagged for the edited theme |",
        "",
        f"Ratios: cold / floor = {cold / floor:.2f} (target ≤ 1.5); warm / cold = {warm / cold:.3f} (target ≤ 0.05); "
        f"codebook edit / cold = {res['retag']['seconds'] / cold:.2f} (target ≤ 0.5); "
        f"cold for {a.n} plans = {cold:.1f} s (target ≤ 60 s) with peak {res['cold']['peak_mb']} MB (target ≤ 1024).",
        "",
        "The loader does not tokenize with pyvi: tokenization happens only in the analyses that need it "
        "(keyness, topic view), on the tasks they use.",
    ]
    out = Path(a.out)
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    kept = old[old.index("<!-- hostile -->"):] if "<!-- hostile -->" in old else ""  # bench_hostile.py's part
    out.write_text("\n".join(lines) + "\n" + ("\n" + kept if kept else ""), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
