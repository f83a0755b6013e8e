"""Reports: run the notebooks with parameters and export self-contained, offline HTML for leadership."""
from __future__ import annotations

from ttdn_analysis.report.build import (
                                        NOTEBOOKS,
                                        build_reports,
                                        execute_notebook,
                                        export_html,
                                        header_html,
                                        inject_parameters,
                                        refresh_notebooks,
)

__all__ = ["NOTEBOOKS", "build_reports", "execute_notebook", "export_html", "header_html", "inject_parameters",
           "refresh_notebooks"]
