"""Exports: tables (CSV, Parquet, Excel) and networks (GEXF, GraphML, edge lists)."""
