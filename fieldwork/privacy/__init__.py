"""Respondent privacy: encryption at rest, blind indexes, masking, and who may see contacts."""
