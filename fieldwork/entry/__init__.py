"""Keyed data entry: one record per sheet from every source, double entry, review."""
