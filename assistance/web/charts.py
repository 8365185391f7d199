"""Bar charts as inline SVG, drawn on the server: no chart library, nothing loaded from elsewhere,
and the page's content security policy allows no inline styles, so only presentation attributes
are used (colours come from the stylesheet's classes).

Each chart carries a title and a description for screen readers; the pages print the same
figures as a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    # "open", "closed", "overdue", "final": a stylesheet class for the bar's colour.
    tone: str = ""


ROW = 26
LABEL_WIDTH = 190
BAR_WIDTH = 330
VALUE_WIDTH = 50
FONT = 13


def _scale(values: Sequence[int], length: int) -> list[int]:
    top = max(values, default=0)
    if top <= 0:
        return [0 for _ in values]
    return [max(2, round(v * length / top)) if v else 0 for v in values]


def _shorten(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def horizontal(bars: Sequence[Bar], title: str, chart_id: str, unit: str = "件") -> Markup:
    """One bar per row, its label on the left and its value at its end."""
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = max(len(bars), 1) * ROW + 8
    lengths = _scale([b.value for b in bars], BAR_WIDTH)
    summary = "；".join(f"{b.label}{b.value}{unit}" for b in bars) or "没有数据"
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(summary)}</desc>',
    ]
    for index, (bar, length) in enumerate(zip(bars, lengths, strict=True)):
        y = 4 + index * ROW
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end" '
            f'font-size="{FONT}">{escape(_shorten(bar.label))}</text>'
            f'<rect class="bar {escape(bar.tone)}" x="{LABEL_WIDTH}" y="{y + 4}" '
            f'width="{length}" height="{ROW - 8}" rx="2"/>'
            f'<text class="chart-value" x="{LABEL_WIDTH + length + 6}" y="{y + 17}" font-size="{FONT}">'
            f"{bar.value}</text>"
        )
    if not bars:
        parts.append(f'<text x="{LABEL_WIDTH}" y="20" font-size="{FONT}" class="chart-label">没有数据</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


COLUMN = 46
PLOT_HEIGHT = 150


def columns(
    series: Sequence[tuple[str, Sequence[int], str]], labels: Sequence[str], title: str, chart_id: str
) -> Markup:
    """Grouped columns over time (months): each series is (name, values, tone)."""
    count = len(labels)
    group = COLUMN + 14
    width = max(count * group + 40, 200)
    height = PLOT_HEIGHT + 64
    every = [v for _, values, _ in series for v in values]
    top = max(every, default=0)
    inner = (COLUMN - 4) // max(len(series), 1)
    summary = "；".join(
        f"{label}：" + "，".join(f"{name}{values[i]}件" for name, values, _ in series)
        for i, label in enumerate(labels)
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(summary)}</desc>',
        f'<line class="axis" x1="20" y1="{PLOT_HEIGHT + 10}" x2="{width - 10}" y2="{PLOT_HEIGHT + 10}"/>',
    ]
    for i, label in enumerate(labels):
        x0 = 24 + i * group
        for s, (_, values, tone) in enumerate(series):
            value = values[i]
            h = round(value * PLOT_HEIGHT / top) if top else 0
            h = max(h, 2) if value else 0
            x = x0 + s * inner
            y = PLOT_HEIGHT + 10 - h
            parts.append(
                f'<rect class="bar {escape(tone)}" x="{x}" y="{y}" width="{inner - 2}" height="{h}"/>'
            )
            if value:
                parts.append(
                    f'<text class="chart-value" x="{x + (inner - 2) / 2}" y="{y - 3}" text-anchor="middle" '
                    f'font-size="11">{value}</text>'
                )
        month = label.split("年")[-1]
        year = label.split("年")[0] if "年" in label else ""
        parts.append(
            f'<text class="chart-label" x="{x0 + COLUMN / 2 - 2}" y="{PLOT_HEIGHT + 28}" '
            f'text-anchor="middle" font-size="12">{escape(month)}</text>'
        )
        if i == 0 or month.startswith("1月"):
            parts.append(
                f'<text class="chart-label" x="{x0 + COLUMN / 2 - 2}" y="{PLOT_HEIGHT + 44}" '
                f'text-anchor="middle" font-size="11">{escape(year)}</text>'
            )
    legend_y = PLOT_HEIGHT + 58
    for s, (name, _, tone) in enumerate(series):
        x = 24 + s * 110
        parts.append(
            f'<rect class="bar {escape(tone)}" x="{x}" y="{legend_y - 10}" width="12" height="12"/>'
            f'<text class="chart-label" x="{x + 18}" y="{legend_y}" font-size="12">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
