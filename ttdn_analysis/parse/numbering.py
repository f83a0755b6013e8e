"""Outline numbering: item words that stand for a number ("Nhiệm vụ 2:"); roman numerals are in ``text``."""
from __future__ import annotations

import re

__all__ = ["ITEM_WORD_RE"]

#: An item introduced by a word and its number: "Nhiệm vụ 1:", "Nội dung 2.", "Hoạt động 3:" (on a match key).
ITEM_WORD_RE = re.compile(r"^(?:nhiệm vụ|nội dung|hoạt động|giải pháp)\s+(?:số\s+)?(\d{1,2})\s*[:.]\s*")
