"""Bar charts drawn on the server as SVG: no script, no library, nothing fetched; each chart
comes with its numbers as a table (the template draws it from the same Chart)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

from app.desk.models import AGE_BANDS
from app.reports.period import PeriodFigures

# Colours that stay apart for the common kinds of colour blindness (Okabe-Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000")
WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 40


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]


@dataclass(frozen=True)
class Chart:
    key: str  # the id of the figure on the page
    labels: list[str]
    series: list[Series]
    stacked: bool = True
    # Whether the series are parts of one whole, so a row's sum means something: items by
    # category add up, households and people do not.
    summable: bool = True

    @property
    def rows(self) -> list[tuple[str, tuple[int, ...], int]]:
        """(label, a value per series, their sum): the table under the chart; show the sum
        only when ``summable``."""
        return (
            [
                (label, values, sum(values))
                for label, values in zip(
                    self.labels, zip(*(s.values for s in self.series), strict=True), strict=True
                )
            ]
            if self.series
            else []
        )


def _nice_top(value: int) -> int:
    """The axis top: 1, 2 or 5 times a power of ten, at least the value."""
    top = 1
    while True:
        for step in (1, 2, 5):
            if top * step >= value:
                return top * step
        top *= 10


def svg(chart: Chart, label: str) -> Markup:
    """The chart as an inline SVG; ``label`` is its accessible name."""
    n = max(len(chart.labels), 1)
    groups = len(chart.series) if not chart.stacked else 1
    totals = [
        sum(s.values[i] for s in chart.series)
        if chart.stacked
        else max((s.values[i] for s in chart.series), default=0)
        for i in range(len(chart.labels))
    ]
    top = _nice_top(max(totals, default=0) or 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / n
    bar = max(slot * 0.8 / groups, 1)
    y = lambda v: TOP + plot_h - plot_h * v / top  # noqa: E731
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in (0, top // 2 if top > 1 else 0, top):
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#ccc" stroke-width="1"/>'
            f'<text x="{LEFT - 4}" y="{y(tick) + 4:.1f}" text-anchor="end" '
            f'font-size="11">{tick}</text>'
        )
    every = max(1, round(n / 12))  # at most about a dozen labels under the axis
    for i, name in enumerate(chart.labels):
        x0 = LEFT + slot * i + slot * 0.1
        base = 0
        for k, series in enumerate(chart.series):
            value = series.values[i]
            if not value:
                continue
            x = x0 if chart.stacked else x0 + bar * k
            low, high = (base, base + value) if chart.stacked else (0, value)
            parts.append(
                f'<rect x="{x:.1f}" y="{y(high):.1f}" width="{bar:.1f}" '
                f'height="{y(low) - y(high):.1f}" fill="{PALETTE[k % len(PALETTE)]}">'
                f"<title>{escape(name)} · {escape(series.name)}: {value}</title></rect>"
            )
            if chart.stacked:
                base += value
        if i % every == 0:
            parts.append(
                f'<text x="{x0 + slot * 0.4:.1f}" y="{HEIGHT - BOTTOM + 14}" '
                f'text-anchor="middle" font-size="11">{escape(name)}</text>'
            )
    for k, series in enumerate(chart.series):
        x = LEFT + k * 130
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="10" '
            f'fill="{PALETTE[k % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="{HEIGHT - 5}" font-size="11">{escape(series.name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def served_per_day(figures: PeriodFigures, households: str, people: str) -> Chart:
    return Chart(
        "served",
        [d.day.strftime("%d.%m") for d in figures.days],
        [
            Series(households, [d.households_served for d in figures.days]),
            Series(people, [d.people_served for d in figures.days]),
        ],
        stacked=False,
        summable=False,
    )


def people_by_sex_and_age(figures: PeriodFigures, sexes: dict[str, str]) -> Chart:
    return Chart(
        "sex-age",
        list(AGE_BANDS),
        [Series(sexes[sex], row) for sex, row in figures.sex_age_table()],
        stacked=False,
    )


def items_per_day_by_category(figures: PeriodFigures, names: dict[str, str]) -> Chart:
    """Items handed over each day, stacked by the item's category."""
    per_day: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for day, quantities in figures.items_by_day.items():
        for sku, quantity in quantities.items():
            per_day[figures.categories[sku]][day] += quantity
    categories = sorted(per_day)
    return Chart(
        "items",
        [d.day.strftime("%d.%m") for d in figures.days],
        [
            Series(names.get(c, c), [per_day[c].get(d.day, 0) for d in figures.days])
            for c in categories
        ],
    )


def registrations_per_week(figures: PeriodFigures, households: str) -> Chart:
    """New households per week, each week named by its Monday."""
    weeks: dict[date, int] = defaultdict(int)
    for d in figures.days:
        weeks[d.day - timedelta(days=d.day.weekday())] += d.new_households
    mondays = sorted(weeks)
    return Chart(
        "registrations",
        [m.strftime("%d.%m") for m in mondays],
        [Series(households, [weeks[m] for m in mondays])],
    )
