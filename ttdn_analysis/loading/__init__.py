"""The stages of :func:`ttdn_analysis.load_corpus`, one module each.

``keys`` (what a cache entry is keyed by), ``budget`` (the time and memory one file may take in the process that
reads it), ``themes`` (a plan's theme tags, cached per theme), ``worker`` (one plan: read, parse, tag, check, store),
``scheduling`` (the plans across worker processes, with progress) and ``assembly`` (the corpus tables from each
plan's stored tables). :mod:`ttdn_analysis.corpus` runs them in that order.
"""
