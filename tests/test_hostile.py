"""Hostile and pathological input: each case is built here, small on disk, and ends in a clean result or a
problem row — never a crash, never a lost plan, never work that grows faster than the file.

Times and peak memory of the large cases are recorded in bench/RESULTS.md (``bench/bench_hostile.py``), not
asserted here; these tests check the behaviour (and count work where growth is the defect).
"""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from ttdn_analysis.parse import lines as lines_mod


def test_rejoining_keys_each_character_a_bounded_number_of_times(monkeypatch):
    """Issue 14 item 4: re-joining a long field list re-keyed the growing line at every join (quadratic)."""
    keyed = []
    real = lines_mod.line_key

    def counting(s: str) -> str:
        keyed.append(len(s))
        return real(s)

    monkeypatch.setattr(lines_mod, "line_key", counting)
    raw = ["Đơn vị chủ trì: Sở Thông tin và Truyền thông"] * 2_000
    out = lines_mod.prepare_lines(raw)
    assert len(out) == 1 and out[0].start == 1 and out[0].end == 2_000  # one field wrapped over 2,000 lines
    assert out[0].text == " ".join(raw)
    assert sum(keyed) <= 3 * sum(map(len, raw))  # linear: was about 2,000 / 2 times the input


_FRAGMENTS = ["Đơn vị chủ trì:", "Sở Thông tin và Truyền thông", "của", "(", ")", "“", "”", "kinh-", "A-", "II.",
              "1.", "- xã hội", "x" * 44, "Nơi nhận", "¹ chú thích", "ngày 2 tháng 3 năm 2024", "CHỮ HOA"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=4).map(" ".join), max_size=60))
def test_rejoined_lines_keep_every_physical_line_once(raw):
    out = lines_mod.prepare_lines(raw)
    skipped = {ln.start for ln in out if ln.skip}  # footnotes and chrome: own lines, a wrap may span them
    covered = sorted([i for ln in out if not ln.skip for i in range(ln.start, ln.end + 1) if i not in skipped]
                     + sorted(skipped))
    assert covered == [i for i, r in enumerate(raw, 1) if lines_mod.clean_line(r)]
    for ln in out:  # the logical text is its physical lines, in order, joined by one space or none
        parts = [lines_mod.clean_line(raw[i - 1]) for i in range(ln.start, ln.end + 1)
                 if (i not in skipped or ln.skip) and lines_mod.clean_line(raw[i - 1])]
        assert ln.text.replace(" ", "") == "".join(parts).replace(" ", "")
