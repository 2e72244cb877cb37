"""Balance-over-time chart as plain SVG geometry (no JavaScript), with the same numbers as
a table for people who would rather read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .text import whole_pounds

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 80, 20, 20, 40


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    actual_path: str
    forecast_path: str
    zero_y: float | None
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM
    top: int = TOP


def _nice_step(span: int) -> int:
    raw = max(span // 4, 1)
    magnitude = 10 ** (len(str(raw)) - 1)
    for m in (1, 2, 5, 10):
        if raw <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def balance_chart(actual: Sequence[tuple[date, int]],
                  forecast: Sequence[tuple[date, int]]) -> LineChart | None:
    """Step lines for the actual balance and (dashed) the forecast, on shared axes."""
    points = list(actual) + list(forecast)
    if len(points) < 2:
        return None
    first, last = points[0][0], points[-1][0]
    days = max((last - first).days, 1)
    low = min(0, min(v for _, v in points))
    high = max(v for _, v in points)
    step = _nice_step(max(high - low, 100))
    low = (low // step) * step
    high = -((-high) // step) * step
    if high == low:
        high = low + step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(d: date) -> float:
        return round(LEFT + plot_w * (d - first).days / days, 1)

    def y(v: int) -> float:
        return round(TOP + plot_h * (high - v) / (high - low), 1)

    def path(series: Sequence[tuple[date, int]]) -> str:
        if not series:
            return ""
        parts = [f"M{x(series[0][0])},{y(series[0][1])}"]
        for (d1, v1) in series[1:]:
            parts.append(f"H{x(d1)}V{y(v1)}")
        return " ".join(parts)

    forecast_series = ([actual[-1]] if actual else []) + list(forecast)
    x_ticks = []
    month = date(first.year, first.month, 1)
    while month <= last:
        if month >= first:
            x_ticks.append(Tick(x(month), HEIGHT - BOTTOM + 18, f"{month:%b %y}"))
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    if len(x_ticks) > 8:
        x_ticks = x_ticks[:: (len(x_ticks) + 7) // 8]
    y_ticks = tuple(Tick(LEFT - 8, y(v), whole_pounds(v)) for v in range(low, high + 1, step))
    return LineChart(WIDTH, HEIGHT, path(actual), path(forecast_series),
                     y(0) if low < 0 < high else None, tuple(x_ticks), y_ticks)


def month_end_table(actual: Sequence[tuple[date, int]], forecast: Sequence[tuple[date, int]]
                    ) -> list[tuple[date, int, bool]]:
    """The balance at each month end (and the last day): (day, pence, is_forecast)."""
    rows: dict[tuple[int, int], tuple[date, int, bool]] = {}
    for series, is_forecast in ((actual, False), (forecast, True)):
        for d, v in series:
            rows[(d.year, d.month)] = (d, v, is_forecast)
    return [rows[k] for k in sorted(rows)]
