"""Optical mark recognition: page geometry shared with printing, and scan reading."""
