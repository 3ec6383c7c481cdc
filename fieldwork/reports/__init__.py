"""Report drafts (synthesis, per agency or field) in DOCX and PDF from the survey statistics."""
