"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, readable
when printed, with a <title> and the numbers as text for screen readers.

Every label is escaped; the colours are attributes so a saved page keeps them.
"""
from __future__ import annotations

from typing import Sequence

from markupsafe import Markup, escape

COLOURS = ("#1f6f8b", "#e07a1f", "#4c9a2a", "#8e44ad", "#c0392b", "#7f8c8d")
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def _axis(value: float, lines: int = 4) -> tuple[float, int]:
    """(step, number of steps): at most ``lines`` round steps (1, 2, 2.5, 5 × 10^n,
    whole numbers only) that reach ``value``."""
    if value <= 0:
        return 1, 1
    magnitude = 1
    while True:
        for factor in (1, 2, 2.5, 5):
            step = magnitude * factor
            if step != int(step):
                continue
            if step * lines >= value:
                return step, max(1, -(-int(value) // int(step)) if value > step else 1)
        magnitude *= 10


def _fmt(value: float) -> str:
    """125.430 and 2.608,9: the Indonesian way, as the rest of the portal."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def bar_chart(rows: Sequence[tuple[str, float]], title: str, colour: str = COLOURS[0],
              label_width: int = 220, width: int = 640) -> Markup:
    """Horizontal bars, one per (label, value), largest first as given."""
    rows = list(rows)
    bar_h, gap, top = 18, 6, 8
    height = top * 2 + max(len(rows), 1) * (bar_h + gap)
    peak = max([v for _l, v in rows] + [0])
    scale = (width - label_width - 70) / (peak or 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="satudata-chart" role="img" '
             f'viewBox="0 0 {width} {height}" width="100%" {FONT} font-size="12">',
             f"<title>{escape(title)}</title>"]
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        text = str(label)
        fits = max(8, int(label_width / 7.8))  # characters that fit label_width at 12 px
        short = text if len(text) <= fits else text[:fits - 2].rstrip() + "…"
        parts.append(f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end" fill="#333">'
                     f"<title>{escape(text)}</title>{escape(short)}</text>")
        w = max(value * scale, 1 if value else 0, 0)  # a negative value is drawn as none, its number shown
        parts.append(f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}" rx="2"/>')
        parts.append(f'<text x="{label_width + w + 6:.1f}" y="{y + 13}" fill="#333">{_fmt(value)}</text>')
    if not rows:
        parts.append(f'<text x="{width / 2}" y="{top + 14}" text-anchor="middle" fill="#777">–</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], title: str,
                 width: int = 640, height: int = 240, line: bool = False) -> Markup:
    """Columns per label (months), one colour per series, with a legend; or
    lines (``line=True``) for running totals."""
    left, right, top, bottom = 48, 12, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    step, steps = _axis(max([v for _n, values in series for v in values] + [0]))
    peak = step * steps
    n = max(len(labels), 1)
    slot = plot_w / n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="satudata-chart" role="img" '
             f'viewBox="0 0 {width} {height}" width="100%" {FONT} font-size="11">',
             f"<title>{escape(title)}</title>"]
    for line in range(steps + 1):
        value = step * line
        y = top + plot_h - plot_h * line / steps
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{_fmt(value)}</text>')
    every = max(1, -(-n // max(1, min(12, int(plot_w // 45)))))  # labels ~45 px apart at least
    for i, label in enumerate(labels):
        if i % every == 0:
            x = left + slot * (i + 0.5)
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                         f'fill="#555">{escape(label)}</text>')
    for s, (name, values) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        if line:
            points = " ".join(f"{left + slot * (i + 0.5):.1f},{top + plot_h - plot_h * v / peak:.1f}"
                              for i, v in enumerate(values))
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for i, v in enumerate(values):
                parts.append(f'<circle cx="{left + slot * (i + 0.5):.1f}" '
                             f'cy="{top + plot_h - plot_h * v / peak:.1f}" r="3" fill="{colour}">'
                             f"<title>{escape(labels[i])}: {_fmt(v)}</title></circle>")
        else:
            bar_w = slot * 0.8 / max(len(series), 1)
            for i, v in enumerate(values):
                h = max(plot_h * v / peak, 0)  # a negative value is drawn as none, its number is in the table
                x = left + slot * i + slot * 0.1 + bar_w * s
                parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                             f'height="{h:.1f}" fill="{colour}"><title>{escape(name)} {escape(labels[i])}: '
                             f"{_fmt(v)}</title></rect>")
        spacing = min(150, (width - left) / max(len(series), 1))
        lx = left + s * spacing
        fits = max(4, int((spacing - 24) / 6.5))  # characters of the legend that fit at 11 px
        legend = name if len(name) <= fits else name[:fits - 1].rstrip() + "…"
        parts.append(f'<rect x="{lx:.1f}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 18:.1f}" y="16" fill="#333"><title>{escape(name)}</title>'
                     f'{escape(legend)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
