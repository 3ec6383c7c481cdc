"""Page settings of the printed forms, installed as ``fieldwork.print_templates``.

This folder stays at the top of the repository; setup.py maps it into the package, and the
app reads its files with ``fieldwork.resources`` (never through the source tree).
"""
