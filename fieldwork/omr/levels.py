"""The levels the OMR judge works with: shares of the page's printed black above its paper
(net darkness of a box, ink in the zones and bands around it), and a few counts."""

CLEAR = 0.2  # net darkness of an unmistakable mark (most ticks and light pencil reach it)
LOW = 0.035  # below this (and 4 noise sigmas) a box is empty
HIGH = 0.07  # a lone mark at least this dark (and 8 noise sigmas) counts when unambiguous
DOMINANCE = 4.0  # ... and when this many times darker than its siblings
CANCEL_FILL = 0.45  # a crossed-out box was filled first
CANCEL_CORNERS = 0.1  # ink of the cross's arms beyond at least three corners
CANCEL_DIAG = 2.5  # a filled box under the cross: ink is not only on the diagonals
THROUGH = 0.12  # ink leaving through two opposite sides or corners: a passing stroke
RING_GAP = 0.08  # a ring's arc in the gap beside a box of a tight grid
JOINED = 0.03  # a stroke's ink leaving one box and entering its neighbour (a tick's arm)
X_RATIO = 2.0  # ink on both diagonals over ink between them: a cross
SOLID = 0.35  # darker than this a mark is filled in, whatever crosses it
RELATIVE = 0.7  # a light mark well below the respondent's usual marks is not taken as read
BESIDE_SOLID = 0.4  # ... or well below a filled box of the same multiple-choice question
RING_BOX = 0.03  # ink crossing the free paper around a box (two sides of three at least)
RING_TEXT = 0.06  # ... above and below an option's text
TIGHT_TEXT = 0.12  # ... right over and under it (a ring drawn tightly round a short text)
BESIDE_LEFT = 0.035  # ink left of a box in an option list's margin
NEAR_LEFT = 0.025  # any ink left of a box (doubts a blank question only)
AFTER_TEXT = 0.025  # ink just after an option's text (doubts a blank question only)
LOCAL = 15  # boxes whose low fill quantile is a box's empty level
SIBLINGS_Q = 0.25  # what most sibling boxes show around them (print): this quantile of them
EMPTY_MAX = 0.06  # an empty box's own fill (paper, outline blur) never exceeds this
RUBBED = 2.5  # a mark this many times darker than every other of its question (none clear)...
RUBBED_USUAL = 0.7  # ... and as dark as the respondent's usual marks: the rest is rubbed out
RUBBED_PEAK = 0.6  # ... and its darkest ink well below the mark's (no stroke: a smear)
FAINT = 0.006  # a box's ink that, on a page whose empty boxes are clean (one-bit), is a mark's
FAINT_NOISE = 8  # ... and this many times the page's own noise (q90 of its empty boxes)
RUNS_ON = 1.0  # a light stroke running on this many box sides past its box is no tick's arm
