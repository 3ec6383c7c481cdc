"""How people answer on paper: who marks what, and the strokes their pens leave.

Marks are placed on the boxes and option texts found in the printed PDF
(``printed.Square``), in points, and drawn into an ink layer (uint8 opacity,
the size of the page raster).  Every question's truth carries the classes of
the marks that made it, so the benchmark can report failures by class.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .printed import MM, Square

# Respondents' habits (one per person: people keep their way of marking through a form).
HABITS = {"fill": 0.40, "tick": 0.18, "cross": 0.12, "pencil": 0.10, "partial": 0.05,
          "ring_box": 0.06, "ring_text": 0.05, "beside": 0.04}


@dataclass
class Pen:
    """A stroke width (points), an opacity (0..1) and whether it is a grainy pencil."""

    width: float
    opacity: float
    pencil: bool = False


def pen(rng, pencil: bool = False) -> Pen:
    """A ballpoint (black or blue as grey) or a pencil."""
    if pencil:
        return Pen(rng.uniform(0.4, 0.8) * MM, rng.uniform(0.3, 0.6), True)
    return Pen(rng.uniform(0.3, 0.6) * MM, rng.uniform(0.75, 0.95) if rng.random() < 0.55
               else rng.uniform(0.45, 0.75))


class Ink:
    """An opacity layer in page pixels; strokes are given in page points."""

    def __init__(self, shape: tuple[int, int], dpi: float, rng: np.random.Generator):
        self.layer = np.zeros(shape, np.uint8)
        self.f = dpi / 72.0
        self.rng = rng

    def stroke(self, pts, p: Pen, fade: float = 1.0, closed: bool = False) -> None:
        """A polyline; pencil strokes are grainy, ``fade`` scales the opacity (rubbing out)."""
        import cv2

        px = np.asarray(pts, np.float64).reshape(-1, 2) * self.f
        pad = p.width * self.f + 3
        x0, y0 = np.floor(px.min(axis=0) - pad).astype(int)
        x1, y1 = np.ceil(px.max(axis=0) + pad).astype(int)
        h, w = self.layer.shape
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        if x1 <= x0 or y1 <= y0:
            return
        patch = np.zeros((y1 - y0, x1 - x0), np.uint8)
        q = np.round((px - (x0, y0)) * 8).astype(np.int32).reshape(-1, 1, 2)
        cv2.polylines(patch, [q], closed, 255, max(1, round(p.width * self.f)), cv2.LINE_AA,
                      shift=3)
        alpha = patch.astype(np.float32) * (p.opacity * fade)
        if p.pencil:
            alpha *= self.rng.uniform(0.45, 1.0, patch.shape).astype(np.float32)
        view = self.layer[y0:y1, x0:x1]
        np.maximum(view, alpha.astype(np.uint8), out=view)

    def write(self, text: str, x: float, y: float, height: float, p: Pen) -> None:
        """Handwriting stand-in: Hershey simplex letters, baseline at (x, y) points."""
        import cv2

        scale = height * self.f / 22.0
        org = (int(x * self.f), int(y * self.f))
        cv2.putText(self.layer, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale,
                    int(255 * p.opacity), max(1, round(p.width * self.f)), cv2.LINE_AA)


def _rot(pts: np.ndarray, deg: float) -> np.ndarray:
    a = np.deg2rad(deg)
    return pts @ np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])


def fill(ink: Ink, sq: Square, p: Pen, cover: float = 1.0) -> None:
    """Back-and-forth scribble over the box (``cover``: share of its height)."""
    rng, s = ink.rng, sq.side
    over = rng.uniform(-0.1, 0.12) * s
    top = sq.cy - s / 2 + over + (rng.uniform(0, (1 - cover) * s) if cover < 1 else 0)
    bottom = top + cover * s - 2 * over
    step = p.width * rng.uniform(0.6, 1.0)
    ys = np.arange(top, bottom, max(step, 0.2))
    xl, xr = sq.cx - s / 2 + over, sq.cx + s / 2 - over
    pts = [(xl + rng.normal(0, 0.04 * s) if i % 2 == 0 else xr + rng.normal(0, 0.04 * s), y)
           for i, y in enumerate(ys)]
    if len(pts) >= 2:
        ink.stroke(pts, p)


def tick(ink: Ink, sq: Square, p: Pen, reach: tuple | None = None) -> None:
    """A check mark centred on the box; ``reach``: where its long arm ends (points)."""
    rng, s = ink.rng, sq.side
    k = rng.uniform(0.9, 1.4)
    pts = _rot(np.array([(-0.35, -0.05), (-0.08, 0.32), (0.5, -0.55)]) * k * s,
               rng.normal(0, 8)) + (sq.cx, sq.cy) + rng.normal(0, 0.08 * s, 2)
    if reach is not None:
        pts[2] = reach
    ink.stroke(pts, p)


def cross(ink: Ink, sq: Square, p: Pen, over: float | None = None) -> None:
    """Two diagonals over the box, ``over`` (share of the side) beyond its corners."""
    rng, s = ink.rng, sq.side
    o = rng.uniform(-0.1, 0.25) if over is None else over
    for a, b in (((-1, -1), (1, 1)), ((-1, 1), (1, -1))):
        ends = np.array([a, b], np.float64) * (0.5 + o) * s + (sq.cx, sq.cy)
        ink.stroke(ends + rng.normal(0, 0.05 * s, (2, 2)), p)


def ring(ink: Ink, cx: float, cy: float, rx: float, ry: float, p: Pen) -> None:
    """A hand-drawn ellipse: wobbly, not quite closed or overlapping its start."""
    rng = ink.rng
    start = rng.uniform(0, 2 * np.pi)
    sweep = rng.uniform(1.85, 2.2) * np.pi
    t = np.linspace(start, start + sweep, 48)
    wobble = 1 + 0.06 * np.sin(t * rng.uniform(1.5, 3) + rng.uniform(0, 6))
    tilt = np.deg2rad(rng.normal(0, 6 * min(1.0, 4 * MM / max(rx, ry))))  # long: held level
    x, y = rx * np.cos(t) * wobble, ry * np.sin(t) * wobble
    pts = np.column_stack([cx + x * np.cos(tilt) - y * np.sin(tilt),
                           cy + x * np.sin(tilt) + y * np.cos(tilt)])
    ink.stroke(pts, p)


def ring_box(ink: Ink, sq: Square, p: Pen) -> None:
    """A ring drawn around the box instead of filling it."""
    rng, s = ink.rng, sq.side
    big = 1.0 if sq.position is None else 0.8  # rings stay smaller in a tight digit grid
    ring(ink, sq.cx + rng.normal(0, 0.06 * s), sq.cy + rng.normal(0, 0.06 * s),
         s * big * rng.uniform(0.8, 1.3), s * big * rng.uniform(0.8, 1.2), p)


def ring_text(ink: Ink, sq: Square, p: Pen) -> None:
    """A ring around the option's printed text (sometimes taking in the box too)."""
    rng = ink.rng
    if sq.label is None:
        ring_box(ink, sq, p)
        return
    x0, y0, x1, y1 = sq.label
    x1 = min(x1, x0 + 70 * MM)  # a long label is ringed at its start
    if rng.random() < 0.35:
        x0 = sq.cx - sq.side / 2
    mx, my = rng.uniform(0.8, 2.5) * MM, rng.uniform(0.6, 1.8) * MM
    ring(ink, (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2 * 1.08 + mx,
         ((y1 - y0) / 2 + my) * 1.3, p)


def beside(ink: Ink, sq: Square, p: Pen) -> None:
    """A tick (or a short dash) left of the box, or after the option's text."""
    rng, s = ink.rng, sq.side
    gap = rng.uniform(0.6, 3.0) * MM
    if sq.label is not None and rng.random() < 0.3:
        cx, cy = sq.label[2] + gap + 0.5 * s, sq.cy
    else:
        cx, cy = sq.cx - s / 2 - gap - 0.45 * s, sq.cy
    ghost = Square(cx, cy + rng.normal(0, 0.1 * s), s * rng.uniform(0.8, 1.1))
    if rng.random() < 0.75:
        tick(ink, ghost, p)
    else:
        ink.stroke([(cx - 0.5 * s, cy), (cx + 0.4 * s, cy + rng.normal(0, 0.1 * s))], p)


@dataclass
class Answers:
    """One respondent's marks and the truth they make."""

    habit: str
    truth: dict = field(default_factory=dict)  # code -> {"values", "status", "classes"}


def _neighbour(sq: Square, group: list[Square]) -> Square | None:
    """The next box a tick's long arm can run into: above, or to the right."""
    best, bd = None, np.inf
    for o in group:
        dx, dy = o.cx - sq.cx, o.cy - sq.cy
        if o is sq or not (dy < -0.5 * sq.side or dx > 0.5 * sq.side):
            continue
        d = np.hypot(dx, dy)
        if d < min(bd, 4.5 * sq.side):
            best, bd = o, d
    return best


def _draw(habit: str, ink: Ink, sq: Square, p: Pen, group: list[Square]) -> str:
    """Mark one chosen box in the respondent's way; returns the class of the mark drawn."""
    rng = ink.rng
    if habit == "tick" and rng.random() < 0.15:
        nxt = _neighbour(sq, group)
        if nxt is not None:
            tick(ink, sq, p, reach=(nxt.cx + rng.normal(0, 0.15 * nxt.side),
                                    nxt.cy + rng.normal(0, 0.15 * nxt.side)))
            return "tick_into_next"
    if habit in ("fill", "pencil"):
        fill(ink, sq, p)
    elif habit == "partial":
        fill(ink, sq, p, cover=rng.uniform(0.4, 0.75))
    elif habit == "tick":
        tick(ink, sq, p)
    elif habit == "cross":
        cross(ink, sq, p)
    elif habit == "ring_box":
        ring_box(ink, sq, p)
    elif habit == "ring_text":
        if sq.label is None:
            ring_box(ink, sq, p)
            return "ring_box"
        ring_text(ink, sq, p)
    elif habit == "beside":
        beside(ink, sq, p)
    else:
        raise ValueError(f"unknown habit {habit!r}")
    return habit


def plan_sheet(layout: dict, pages: list[list[Square]], rng: np.random.Generator):
    """One respondent's answers: the truth, and per page the strokes to draw (callables)."""
    habit = str(rng.choice(list(HABITS), p=np.array(list(HABITS.values())) / sum(
        HABITS.values())))
    main, ball = pen(rng, pencil=habit == "pencil"), pen(rng)
    answers = Answers(habit)
    todo: list[list] = [[] for _ in pages]
    where = {}
    for n, squares in enumerate(pages):
        for sq in squares:
            where.setdefault(sq.question, []).append((n, sq))
    for q in layout["questions"]:
        boxes = where.get(q["code"])
        if not boxes:
            continue
        blank = 0.03 if q.get("required") else 0.15
        if rng.random() < blank:
            answers.truth[q["code"]] = {"values": [], "status": "blank", "classes": ["blank"]}
            continue
        n = boxes[0][0]
        group = [sq for _, sq in boxes]
        if q["kind"] in ("digits", "date"):
            answers.truth[q["code"]] = _digits(q, group, habit, main, ball, todo[n], rng)
        elif q["kind"] in ("single", "multiple"):
            answers.truth[q["code"]] = _choice(q, group, habit, main, ball, todo[n], rng)
    return answers, todo


def _choice(q, group, habit, main, ball, todo, rng) -> dict:
    opts = [sq.option for sq in group]
    k = 1 if q["kind"] == "single" else int(rng.choice([1, 1, 2, 3]))
    chosen = sorted(rng.choice(len(group), size=min(k, len(group)), replace=False))
    status, classes = "ok", []
    if q["kind"] == "single" and len(group) > 1 and rng.random() < 0.01:
        chosen = sorted([*chosen, int(rng.choice([i for i in range(len(group))
                                                  if i not in chosen]))])
        status, classes = "multiple", ["double"]
    rest = [i for i in range(len(group)) if i not in chosen]
    if rest and rng.random() < 0.02:  # filled the wrong box, crossed it out, marked another
        wrong = group[int(rng.choice(rest))]
        todo.append(lambda ink, sq=wrong: (fill(ink, sq, ball), cross(ink, sq, ball, 0.3)))
        classes.append("corrected")
    elif rest and habit == "pencil" and rng.random() < 0.15:  # rubbed out, answered again
        wrong = group[int(rng.choice(rest))]
        fade = rng.uniform(0.12, 0.35)
        todo.append(lambda ink, sq=wrong, f=fade: _rubbed(ink, sq, main, f))
        classes.append("rubbed_out")
    for i in chosen:
        mixed = habit if rng.random() > 0.08 else str(rng.choice(["fill", "tick", "cross"]))
        p = main if mixed == habit else ball
        cls = [None]
        todo.append(lambda ink, sq=group[i], h=mixed, p=p, c=cls: c.__setitem__(
            0, _draw(h, ink, sq, p, group)))
        classes.append(cls)
    return {"values": [opts[i] for i in chosen], "status": status, "classes": classes}


def _rubbed(ink: Ink, sq: Square, p: Pen, fade: float) -> None:
    """A pencil fill rubbed out: a faint, smeared trace is left."""
    ghost = Pen(p.width * 1.5, p.opacity, True)
    rng = ink.rng
    s = sq.side
    ys = np.arange(sq.cy - 0.45 * s, sq.cy + 0.45 * s, ghost.width * 0.8)
    pts = [(sq.cx + (-0.45 if i % 2 == 0 else 0.45) * s + rng.normal(0, 0.05 * s), y)
           for i, y in enumerate(ys)]
    ink.stroke(pts, ghost, fade=fade)


def _digits(q, group, habit, main, ball, todo, rng) -> dict:
    columns: dict = {}
    for sq in group:
        columns.setdefault(sq.position, {})[sq.option] = sq
    n = len(columns)
    if q["kind"] == "date":
        text = f"{rng.integers(1, 29):02d}{rng.integers(1, 13):02d}{rng.integers(2024, 2027)}"
    else:
        length = 9 if n == 12 and rng.random() < 0.1 else n
        text = "0" + "".join(str(int(v)) for v in rng.integers(0, 10, length - 1))
    grid_habit = {"ring_text": "ring_box", "beside": "fill"}.get(habit, habit)
    classes = []
    for pos, digit in enumerate(text):
        sq = columns[pos][digit]
        if sq.cell is not None:
            x0, y0, x1, y1 = sq.cell
            todo.append(lambda ink, d=digit, x=x0, y=y1: ink.write(
                d, x + 1.2 * MM + rng.normal(0, 0.3 * MM), y - 1.2 * MM, 4.2 * MM, ball))
        cls = [None]
        todo.append(lambda ink, sq=sq, c=cls: c.__setitem__(
            0, _draw(grid_habit, ink, sq, main, [])))
        classes.append(cls)
    return {"values": list(text), "status": "ok", "classes": classes}


def settle(truth: dict) -> dict:
    """The truth with the classes the drawing decided (tick into next...) filled in."""
    out = {}
    for code, t in truth.items():
        classes = sorted({c[0] if isinstance(c, list) else c for c in t["classes"]} - {None})
        out[code] = {"values": t["values"], "status": t["status"], "classes": classes}
    return out
