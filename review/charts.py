"""Geometry of the ranking page's charts, drawn as inline SVG by templates/scoring/includes.

Pure: numbers in, shapes out. The charts are plain SVG with presentation attributes (the
Content Security Policy forbids inline style attributes and no chart library is loaded), so
they print, scale and need no JavaScript.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float
    value_label: str = ""


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    points: str = ""  # a polyline's points, for line charts
    baseline: float = 0.0  # the zero line (x for horizontal bars, y for vertical ones)
    plot_left: float = 0.0
    plot_right: float = 0.0
    plot_top: float = 0.0
    plot_bottom: float = 0.0
    empty: bool = True


def _nice_step(maximum: float, steps: int = 4) -> float:
    if maximum <= 0:
        return 1.0
    raw = maximum / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def score_histogram(totals: Sequence[float], *, width: int = 360, height: int = 180) -> Chart:
    """How many review totals fall in each unit band of the 1–10 scale (10 counts in 9–10)."""
    counts = [0] * 9
    for total in totals:
        band = min(max(math.floor(total), 1), 9) - 1
        counts[band] += 1
    left, right, top, bottom = 32.0, width - 8.0, 10.0, height - 24.0
    chart = Chart(width, height, plot_left=left, plot_right=right, plot_top=top, plot_bottom=bottom)
    chart.empty = not totals
    step = _nice_step(max(counts) or 1)
    y_max = step * math.ceil((max(counts) or 1) / step)
    slot = (right - left) / len(counts)
    for index, count in enumerate(counts):
        bar_height = (bottom - top) * count / y_max
        chart.bars.append(
            Bar(
                x=round(left + index * slot + 2, 2),
                y=round(bottom - bar_height, 2),
                width=round(slot - 4, 2),
                height=round(bar_height, 2),
                label=f"{index + 1}–{index + 2}",
                value=count,
                value_label=str(count),
            )
        )
    for index in range(len(counts) + 1):
        chart.x_ticks.append(Tick(round(left + index * slot, 2), str(index + 1)))
    value = 0.0
    while value <= y_max + 1e-9:
        chart.y_ticks.append(Tick(round(bottom - (bottom - top) * value / y_max, 2), f"{value:g}"))
        value += step
    chart.baseline = bottom
    return chart


def _signed(value: float) -> str:
    """+0.42 or -0.17; what rounds to nothing reads 0.00, not "-0.00" or "+0.00"."""
    rounded = round(value, 2)
    return f"{rounded:+.2f}" if rounded else "0.00"


def leniency_bars(
    offsets: Sequence[tuple[str, float]], *, width: int = 360, row_height: int = 18
) -> Chart:
    """One horizontal bar per expert: how far above (right) or below (left) the rest they score."""
    label_width = 130.0
    top, bottom_margin = 6.0, 22.0
    height = int(top + bottom_margin + row_height * max(len(offsets), 1))
    left, right = label_width, width - 34.0
    chart = Chart(
        width,
        height,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=height - bottom_margin,
    )
    chart.empty = not offsets
    extent = max([abs(value) for _name, value in offsets] + [0.5])
    step = _nice_step(extent, 2)
    extent = step * math.ceil(extent / step)
    zero = (left + right) / 2
    scale = (right - left) / 2 / extent
    chart.baseline = zero
    for index, (name, value) in enumerate(offsets):
        length = abs(value) * scale
        chart.bars.append(
            Bar(
                x=round(zero - length if value < 0 else zero, 2),
                y=round(top + index * row_height + 3, 2),
                width=round(max(length, 0.5), 2),
                height=row_height - 6,
                label=name,
                value=value,
                value_label=_signed(value),
            )
        )
    tick = -extent
    while tick <= extent + 1e-9:
        chart.x_ticks.append(Tick(round(zero + tick * scale, 2), f"{tick:+g}" if tick else "0"))
        tick += step
    return chart


def progress_line(
    days: Sequence[tuple[date, int]], *, expected: int, width: int = 360, height: int = 180
) -> Chart:
    """Submitted reviews over time: the cumulative count per day against the number expected."""
    left, right, top, bottom = 32.0, width - 20.0, 10.0, height - 24.0
    chart = Chart(width, height, plot_left=left, plot_right=right, plot_top=top, plot_bottom=bottom)
    chart.empty = not days
    if not days:
        return chart
    y_max_value = max(expected, days[-1][1], 1)
    step = _nice_step(y_max_value)
    y_max = step * math.ceil(y_max_value / step)
    first, last = days[0][0], days[-1][0]
    span = max((last - first).days, 1)

    def x_of(day: date) -> float:
        return round(left + (right - left) * (day - first).days / span, 2)

    def y_of(count: float) -> float:
        return round(bottom - (bottom - top) * count / y_max, 2)

    chart.points = " ".join(f"{x_of(day)},{y_of(count)}" for day, count in days)
    chart.baseline = y_of(expected)  # the target line: every assigned review submitted
    value = 0.0
    while value <= y_max + 1e-9:
        chart.y_ticks.append(Tick(y_of(value), f"{value:g}"))
        value += step
    chart.x_ticks = [Tick(x_of(first), first.strftime("%m-%d"))]
    if last != first:
        chart.x_ticks.append(Tick(x_of(last), last.strftime("%m-%d")))
    chart.bars = [
        Bar(x=x_of(day), y=y_of(count), width=0, height=0, label=day.isoformat(), value=count)
        for day, count in days
    ]
    return chart
