"""Rows a researcher can trust (issue 13): hit lines and columns, the task text helper, the theme cache,
unknown names."""
from __future__ import annotations

import gc

from ttdn_analysis.analysis import tagging
from ttdn_analysis.analysis.tagging import themes_in
from ttdn_analysis.registry.codebook import Codebook, Theme


# --------------------------------------------------------------------------- theme first-word cache (item 5)

def test_first_words_cache_survives_id_reuse():
    # issue 13 item 5: _FIRSTS was keyed by id(theme); after garbage collection a new theme can get the same id and
    # was then given the old theme's first words, so its hits were missed (reproduced at the 4th of 200 rounds)
    words = ["biên giới", "biển đảo", "nhân quyền", "tập huấn", "quảng bá", "dân tộc", "đầu tư", "an ninh"]
    for i in range(200):
        term = words[i % len(words)]
        cb = Codebook(version=f"t{i}", themes=[Theme(key="x", label_vi="x", label_en="x", core=False,
                                                     terms=(term,))])
        assert themes_in(f"Nội dung về {term} trong năm", cb) == {"x"}, f"round {i}: {term!r} missed"
        del cb
        gc.collect()


def test_first_words_cache_forgets_dead_themes():
    before = len(tagging._FIRSTS)
    themes = [Theme(key=f"k{i}", label_vi="x", label_en="x", core=False, terms=(f"từ{i} khác",)) for i in range(50)]
    for t in themes:
        tagging._first_words(t)
    assert len(tagging._FIRSTS) >= before + 50
    del themes, t
    gc.collect()
    assert len(tagging._FIRSTS) <= before
