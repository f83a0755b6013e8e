"""ttdn_analysis: Vietnamese provincial foreign-information (TTĐN) plans as tidy tables, networks and themes.

``load_corpus`` and ``Corpus`` are the entry points. The stages live in subpackages named after them (``ingest``,
``parse``, ``registry``, ``analysis``, ``plotting``, ``io``, ``report``); the researcher-facing namespaces
``themes``, ``graphs``, ``compare``, ``citations``, ``timeline``, ``agencies``, ``provinces``, ``lineage`` and
``plots`` are imported on first use, so that ``import ttdn_analysis`` stays light (no chart or notebook library).

Examples
--------
>>> import ttdn_analysis
>>> ttdn_analysis.graphs.__name__
'ttdn_analysis.analysis.networks'
"""
from __future__ import annotations

import importlib
from types import ModuleType

from ttdn_analysis._version import __version__
from ttdn_analysis.corpus import Corpus, load_corpus

#: Short names of the researcher-facing namespaces -> the module that holds them (README: "What moved").
NAMESPACES: dict[str, str] = {
    "themes": "ttdn_analysis.analysis.themes",
    "graphs": "ttdn_analysis.analysis.networks",
    "compare": "ttdn_analysis.analysis.reuse",
    "citations": "ttdn_analysis.analysis.instruments",
    "timeline": "ttdn_analysis.analysis.timeline",
    "agencies": "ttdn_analysis.registry.agencies",
    "provinces": "ttdn_analysis.registry.provinces",
    "lineage": "ttdn_analysis.registry.lineage",
    "plots": "ttdn_analysis.plotting",
}

__all__ = ["Corpus", "load_corpus", "__version__", *NAMESPACES]


def __getattr__(name: str) -> ModuleType:
    """Import a researcher-facing namespace on first use (``from ttdn_analysis import themes``)."""
    if name in NAMESPACES:
        module = importlib.import_module(NAMESPACES[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module 'ttdn_analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *NAMESPACES})
