"""The report notebooks, shipped inside the package as ``ttdn_analysis.notebooks`` (see pyproject.toml)."""
