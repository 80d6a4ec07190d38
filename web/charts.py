"""The fairness chart, drawn as SVG on the server: no script library to ship or to trust.

One row per unit. Left panel: duties per party member, with the fair share per member as a red
tick. Right panel: weekend and holiday duties, with their fair share as a red tick.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

ROW = 18
TOP = 46
LABEL = 190
LEFT_PANEL = 360
GAP = 40
RIGHT_PANEL = 260
BAR = 11
FONT = "font-family:'Microsoft YaHei','PingFang SC','Noto Sans CJK SC','Source Han Sans SC',sans-serif"


def _nice_max(value: float) -> float:
    """A round number at or above ``value`` for the end of an axis."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _ticks(top: float) -> list[float]:
    return [top * i / 4 for i in range(5)]


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value else "0"


def fairness_svg(rows: Sequence[dict[str, Any]]) -> str:
    """The chart for :func:`web.views.fairness` rows."""
    height = TOP + ROW * len(rows) + 12
    width = LABEL + LEFT_PANEL + GAP + RIGHT_PANEL + 20
    left_max = _nice_max(max([r["per_member"] for r in rows] + [r["target_per_member"] for r in rows] + [0.0]))
    right_max = _nice_max(max([float(r["rest"]) for r in rows] + [r["rest_target"] for r in rows] + [0.0]))
    x_left, x_right = LABEL, LABEL + LEFT_PANEL + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="各单位值班公平情况" style="{FONT}">'
    ]
    parts.append(f'<text x="{x_left}" y="14" font-size="13" font-weight="bold">每名党员的值班次数</text>')
    parts.append(f'<text x="{x_right}" y="14" font-size="13" font-weight="bold">周末、节假日值班次数</text>')
    parts.append(
        f'<rect x="{x_left + 250}" y="5" width="10" height="10" fill="#4a78b5"/>'
        f'<text x="{x_left + 264}" y="14" font-size="11">实际</text>'
        f'<line x1="{x_left + 300}" x2="{x_left + 300}" y1="4" y2="16" stroke="#c0392b" stroke-width="2.5"/>'
        f'<text x="{x_left + 306}" y="14" font-size="11">公平份额</text>'
    )
    for x0, panel, top in ((x_left, LEFT_PANEL, left_max), (x_right, RIGHT_PANEL, right_max)):
        for tick in _ticks(top):
            x = x0 + panel * tick / top
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP - 6}" y2="{height - 8}" stroke="#e3e3e3"/>'
                f'<text x="{x:.1f}" y="{TOP - 10}" font-size="10" text-anchor="middle" fill="#666">'
                f"{_number(tick)}</text>"
            )
    for i, r in enumerate(rows):
        y = TOP + i * ROW
        label = r["label"] if len(r["label"]) <= 14 else r["label"][:13] + "…"
        tip = (
            f"{r['label']}：值班 {r['duties']} 次，党员 {r['members']} 人，每人 {r['per_member']:.2f} 次"
            f"（公平份额 {r['target']} 次，每人 {r['target_per_member']:.2f}）；"
            f"周末节假日 {r['rest']} 次（份额 {r['rest_target']}）"
        )
        far = abs(r["per_member"] - r["target_per_member"]) > 0.25 * max(r["target_per_member"], 0.01)
        colour = "#d9822b" if far else "#4a78b5"
        parts.append(f"<g><title>{escape(tip)}</title>")
        if i % 2:
            parts.append(f'<rect x="0" y="{y}" width="{width}" height="{ROW}" fill="#f6f7f9"/>')
        parts.append(f'<text x="{LABEL - 8}" y="{y + 13}" font-size="12" text-anchor="end">{escape(label)}</text>')
        bar = LEFT_PANEL * r["per_member"] / left_max
        tick = x_left + LEFT_PANEL * r["target_per_member"] / left_max
        parts.append(
            f'<rect x="{x_left}" y="{y + 3}" width="{bar:.1f}" height="{BAR}" fill="{colour}"/>'
            f'<line x1="{tick:.1f}" x2="{tick:.1f}" y1="{y + 1}" y2="{y + ROW - 1}" '
            'stroke="#c0392b" stroke-width="2.5"/>'
        )
        rest_bar = RIGHT_PANEL * r["rest"] / right_max
        rest_tick = x_right + RIGHT_PANEL * r["rest_target"] / right_max
        parts.append(
            f'<rect x="{x_right}" y="{y + 3}" width="{rest_bar:.1f}" height="{BAR}" fill="#7b9e57"/>'
            f'<line x1="{rest_tick:.1f}" x2="{rest_tick:.1f}" y1="{y + 1}" y2="{y + ROW - 1}" '
            f'stroke="#c0392b" stroke-width="2.5"/>'
            f'<text x="{x_right + RIGHT_PANEL + 6}" y="{y + 13}" font-size="10" fill="#444">{r["rest"]}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
