"""Sampling frames: the one-stop system's list of returned dossiers, counts N and draws."""
