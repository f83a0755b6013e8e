"""Analyses of a loaded corpus: tagging, coverage and KWIC, text statistics, networks, reuse, instruments, timeline
and validation against hand coding. Nothing here draws: figures are in :mod:`ttdn_analysis.plotting`."""
