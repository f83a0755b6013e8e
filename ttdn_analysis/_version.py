"""The package version: written here only (pyproject.toml reads it)."""
__version__ = "0.2.0"
