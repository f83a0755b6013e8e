"""Same input, same output — across processes too (Python salts string hashes per process)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import hashlib, sys
import ttdn_analysis as t
from ttdn_analysis import compare, graphs, themes, citations
c = t.load_corpus(sys.argv[1], cache=False)
parts = [getattr(c, name).to_json(orient="split", force_ascii=False)
         for name in ("plans", "tasks", "assignments", "task_themes", "problems", "citations")]
parts.append(themes.coverage(c).to_json(orient="split"))
parts.append(themes.keyness(c, {"province": "Gia Lai"}).to_json(orient="split", force_ascii=False))
parts.append(themes.topic_view(c)[1].to_json(orient="split", force_ascii=False))
parts.append(compare.reuse_matrix(c).to_json(orient="split"))
parts.append(compare.shared_passages(c).to_json(orient="split", force_ascii=False))
parts.append(citations.instrument_table(c.citations, c.plans).to_json(orient="split", force_ascii=False))
gs = {p: graphs.coassignment_graph(graphs.slice_assignments(c.assignments, province=p))
      for p in sorted(c.plans.province.dropna().unique())}
parts += [graphs.centrality_table(g).to_json(orient="split", force_ascii=False) for g in gs.values()]
parts.append(graphs.compare_graphs(gs).to_json(orient="split", force_ascii=False))
from ttdn_analysis.plotting import network_figure
from ttdn_analysis.report import brief
parts += [network_figure(g).to_json() for g in gs.values()]  # positions and the placement of agency names
facts = brief.brief_facts(c)
parts += [facts.by_tasks.to_json(orient="split", force_ascii=False), facts.top_leads.to_json(orient="split",
          force_ascii=False), facts.coverage.to_json(orient="split", force_ascii=False)]
parts += [s.html() for s in brief.brief_sentences(facts).values()]
for name, part in zip(range(len(parts)), parts):
    print(name, hashlib.sha256(part.encode()).hexdigest())
"""


def test_tables_and_analyses_identical_across_processes():
    runs = []
    for seed in ("0", "1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "data" / "plans")], env=env,
                             capture_output=True, text=True, check=True, cwd=ROOT)
        runs.append(out.stdout.splitlines())
    diffs = [(a, b) for a, b in zip(runs[0], runs[1]) if a != b] + \
            [(a, b) for a, b in zip(runs[0], runs[2]) if a != b]
    assert diffs == []
