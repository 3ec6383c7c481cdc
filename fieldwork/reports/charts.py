"""Bar charts of a report as PNG bytes (matplotlib, Agg, DejaVu Sans for Vietnamese letters).

Pure functions: labels and numbers in, PNG bytes out; no Flask, no pyplot state.
"""

from __future__ import annotations

import io
import textwrap

FONT = "DejaVu Sans"  # ships with matplotlib and covers every Vietnamese letter
THRESHOLDS = ()  # Decision 2223 names no bands: lines only where the plan sets some


def _figure(rows: int):
    import matplotlib
    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, max(2.2, 0.38 * rows + 1.2)), dpi=150)
    ax = fig.add_subplot()
    return fig, ax


def _png(fig) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def _finish(fig, ax, xlabel: str, title: str) -> bytes:
    """Axis label, tick fonts and title in DejaVu, then the figure as PNG bytes."""
    ax.set_xlabel(xlabel, fontfamily=FONT, fontsize=8)
    for tick in ax.get_xticklabels():
        tick.set_fontfamily(FONT)
        tick.set_fontsize(7)
    if title:
        ax.set_title(title, fontfamily=FONT, fontsize=9, fontweight="bold", pad=14)
    fig.tight_layout()
    return _png(fig)


def _label(text: str, width: int = 34) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or "—"


def _vn_pct(v: float) -> str:
    return f"{v * 100:.1f}".replace(".", ",") + "%"


def agency_rates_chart(rows: list[tuple[str, float]], title: str = "",
                       thresholds=THRESHOLDS) -> bytes:
    """Horizontal bars of the rate per agency (best on top), with dashed lines at the plan's
    ``thresholds`` (none by default: no colours, no lines).

    ``rows`` are (agency, rate 0-1); rows without a rate are left out.
    """
    rows = sorted([(a, r) for a, r in rows if r is not None], key=lambda x: (-x[1], str(x[0])))
    if any(not 0 <= r <= 1 for _, r in rows):
        raise ValueError("rates must lie in [0, 1]")
    fig, ax = _figure(len(rows))
    labels = [_label(a) for a, _ in rows][::-1]
    values = [r * 100 for _, r in rows][::-1]
    cuts = sorted(t * 100 for t in thresholds)
    colours = ["#c0392b" if cuts and r < cuts[0] else "#e67e22" if cuts and r < cuts[-1]
               else "#2e86c1" for r in values]
    bars = ax.barh(range(len(values)), values, color=colours)
    ax.set_yticks(range(len(values)), labels, fontfamily=FONT, fontsize=7)
    for bar, v in zip(bars, values, strict=True):
        ax.text(min(v + 1, 101), bar.get_y() + bar.get_height() / 2, _vn_pct(v / 100),
                va="center", fontsize=7, fontfamily=FONT)
    for t in thresholds:
        ax.axvline(t * 100, color="#555555", linestyle="--", linewidth=0.8)
        ax.text(t * 100, len(values) - 0.4, f"{t * 100:.0f}%", ha="center", fontsize=7,
                fontfamily=FONT)
    ax.set_xlim(0, 110)
    return _finish(fig, ax, "Tỷ lệ hài lòng (%)", title)


def reason_chart(rows: list[tuple[str, int]], title: str = "") -> bytes:
    """Horizontal bars of how often each reason for dissatisfaction was chosen."""
    if any(c < 0 for _, c in rows):
        raise ValueError("counts must not be negative")
    fig, ax = _figure(len(rows))
    labels = [_label(r, 48) for r, _ in rows][::-1]
    values = [c for _, c in rows][::-1]
    bars = ax.barh(range(len(values)), values, color="#2e86c1")
    ax.set_yticks(range(len(values)), labels, fontfamily=FONT, fontsize=6.5)
    top = max(values, default=0) or 1
    for bar, v in zip(bars, values, strict=True):
        ax.text(v + top * 0.01, bar.get_y() + bar.get_height() / 2,
                f"{v:,}".replace(",", "."), va="center", fontsize=7, fontfamily=FONT)
    ax.set_xlim(0, top * 1.15)
    return _finish(fig, ax, "Số lượt chọn", title)


def aspect_chart(rows: list[tuple[str, float | None]], title: str = "") -> bytes:
    """Horizontal bars of the satisfaction index of each aspect (questionnaire order, top
    first); aspects without an index are left out."""
    rows = [(a, v) for a, v in rows if v is not None]
    if any(not 0 <= v <= 1 for _, v in rows):
        raise ValueError("indices must lie in [0, 1]")
    fig, ax = _figure(len(rows))
    labels = [_label(a, 40) for a, _ in rows][::-1]
    values = [v * 100 for _, v in rows][::-1]
    bars = ax.barh(range(len(values)), values, color="#2e86c1")
    ax.set_yticks(range(len(values)), labels, fontfamily=FONT, fontsize=7)
    for bar, v in zip(bars, values, strict=True):
        ax.text(min(v + 1, 101), bar.get_y() + bar.get_height() / 2, _vn_pct(v / 100),
                va="center", fontsize=7, fontfamily=FONT)
    ax.set_xlim(0, 110)
    return _finish(fig, ax, "Chỉ số hài lòng (%)", title)


def period_chart(rows: list[tuple[str, float | None, int]], title: str = "") -> bytes:
    """Columns of the satisfaction rate per period (time order) with n under each label."""
    if any(v is not None and not 0 <= v <= 1 for _, v, _ in rows):
        raise ValueError("rates must lie in [0, 1]")
    import matplotlib
    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, 3.0), dpi=150)
    ax = fig.add_subplot()
    values = [(v or 0) * 100 for _, v, _ in rows]
    bars = ax.bar(range(len(rows)), values, color="#2e86c1", width=0.6)
    labels = [f"{p}\nn = {n:,}".replace(",", ".") for p, _, n in rows]
    ax.set_xticks(range(len(rows)), labels, fontfamily=FONT, fontsize=7)
    for bar, (_, v, _) in zip(bars, rows, strict=True):
        if v is not None:
            ax.text(bar.get_x() + bar.get_width() / 2, v * 100 + 1.5, _vn_pct(v),
                    ha="center", fontsize=7, fontfamily=FONT)
    for tick in ax.get_yticklabels():
        tick.set_fontfamily(FONT)
        tick.set_fontsize(7)
    ax.set_ylim(0, 110)
    ax.set_ylabel("Tỷ lệ hài lòng (%)", fontfamily=FONT, fontsize=8)
    if title:
        ax.set_title(title, fontfamily=FONT, fontsize=9, fontweight="bold", pad=10)
    fig.tight_layout()
    return _png(fig)
