"""Tabular imports (CSV, XLSX): a generic engine and the online / call-centre results import."""
