"""Tests of the six-step workflow (fieldwork.plans)."""
