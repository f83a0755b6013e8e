"""ttdn_analysis: Vietnamese provincial foreign-information (TTĐN) plans as tidy tables, networks and themes."""
__version__ = "0.1.0"

from .corpus import Corpus, load_corpus  # noqa: E402

__all__ = ["Corpus", "load_corpus", "__version__"]
