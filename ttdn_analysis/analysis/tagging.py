"""The former name of :mod:`ttdn_analysis.tagging` (theme tagging is a stage of the load, below the corpus).

Importing this module gives that very module, so that every name, and a test that replaces one, is shared.

Examples
--------
>>> import ttdn_analysis.analysis.tagging as old, ttdn_analysis.tagging as new
>>> old is new
True
"""
from __future__ import annotations

import sys

from ttdn_analysis import tagging as _tagging

sys.modules[__name__] = _tagging
