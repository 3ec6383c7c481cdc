"""Synthetic filled and scanned forms with ground truth, for tests and ``fieldwork bench omr``.

Real forms are printed with the production printer, filled the way people fill
them (solid, ticks, crosses, light pencil, partial fills, corrections, stray
marks, blanks, double marks), rasterised with pypdfium2 and degraded like a
scanner or a phone would (rotation, skew, perspective, blur, noise, JPEG,
uneven light, 150-300 dpi).  Nothing here is used when reading real scans.
"""
