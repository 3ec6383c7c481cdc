"""Tests of optical mark reading: pipeline, bad input, scanning station, verification."""
