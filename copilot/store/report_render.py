"""`copilot report --format html|png`: the quality report as a file a supervisor can share.

The PNG is one dashboard (headline figures, decision mix, edit distances, category mix, latency,
flags); the HTML is one self-contained page with the same charts inlined as SVG, the headline
figures and per-slice tables, and the KB gaps with their (already redacted, here escaped) example
turns. Figures are drawn on the Agg canvas directly, never through pyplot, so rendering needs no
display and leaves no global figure state behind. Only this module imports matplotlib.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any, Literal

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from copilot.store.database import StoreError
from copilot.store.report import SLICES
from copilot.understanding.routing import HUMAN_LED
from knowledge_base.atomic import write_bytes_atomic

FORMATS = ("html", "png")
DECISIONS = (  # (report key, label, colour): Okabe-Ito, readable for colour-blind readers
    ("acceptance_rate", "accept", "#009E73"),
    ("edit_rate", "edit", "#0072B2"),
    ("rejection_rate", "reject", "#D55E00"),
    ("regeneration_rate", "regenerate", "#E69F00"),
)
AI_COLOUR, HUMAN_COLOUR = "#0072B2", "#CC79A7"
MAX_BARS = 12


def render_report(report: dict[str, Any], target: Path, fmt: str) -> None:
    """Write `report` (from `build_report`) to `target` as "html" or "png", atomically."""
    if fmt not in FORMATS:
        raise StoreError(f"unknown report format {fmt!r}: choose html or png")
    data = _dashboard_png(report) if fmt == "png" else _html(report).encode("utf-8")
    _write_atomically(Path(target), data)


def _write_atomically(target: Path, data: bytes) -> None:
    try:
        write_bytes_atomic(target, data)
    except OSError as exc:
        raise StoreError(f"cannot write the report to {target}: {exc.strerror or exc}") from exc


# -- figures ---------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _words(value: float | None) -> str:
    return "–" if value is None else f"{value:g} word" + ("" if value == 1 else "s")


def _period(report: dict[str, Any]) -> str:
    days = sorted(report.get("by_period") or {})
    span = "" if not days else days[0] if days[0] == days[-1] else f"{days[0]} to {days[-1]}"
    if report.get("since"):
        return f"since {report['since']}" + (f" ({span})" if span else "")
    return span or "all time"


def _headline(report: dict[str, Any]) -> list[tuple[str, str]]:
    latency = report["latency_ms"]
    reviews = report.get("reviews") or {}
    verdicts = ", ".join(f"{k} {n}" for k, n in reviews.items() if k != "reviewed")
    return [
        ("Suggestions", str(report["suggestions"])),
        ("Decided", str(report["decided"])),
        ("Undecided or superseded", str(report["undecided"])),
        ("Replies sent", str(report["replies_sent"])),
        ("Briefings acknowledged (not sent)", str(report["briefings_acknowledged"])),
        ("Drafts rejected", str(report["drafts_rejected"])),
        ("Acceptance rate", _pct(report["acceptance_rate"])),
        ("Edit rate", _pct(report["edit_rate"])),
        ("Rejection rate", _pct(report["rejection_rate"])),
        ("Regeneration rate", _pct(report["regeneration_rate"])),
        ("Median edit distance", _words(report["median_edit_distance"])),
        ("Heavy edits", str(report["heavy_edits"])),
        (
            "Latency p50 / p95",
            "–" if latency["p50"] is None else f"{latency['p50']:g} / {latency['p95']:g} ms",
        ),
        ("Escalations (human-led)", str(report["escalations"])),
        (
            "Supervisor reviews",
            str(reviews.get("reviewed", 0)) + (f" ({verdicts})" if verdicts else ""),
        ),
        ("KB gap intents", str(len(report["kb_gaps"]))),
    ]


def _short(label: str, width: int = 16) -> str:
    # Cut in the middle: advisor ids and addresses differ at both ends.
    half = (width - 1) // 2
    return label if len(label) <= width else f"{label[:half]}…{label[-(width - 1 - half) :]}"


def _frame(ax: Axes, title: str, grid: Literal["x", "y"] = "y") -> None:
    ax.set_title(title, loc="left", fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis=grid, color="#dddddd")
    ax.set_axisbelow(True)


def _no_data(ax: Axes, title: str) -> None:
    ax.set_title(title, loc="left", fontweight="bold")
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        "no data",
        ha="center",
        va="center",
        color="#888888",
        fontsize=14,
        transform=ax.transAxes,
    )


def _headline_panel(ax: Axes, report: dict[str, Any]) -> None:
    ax.set_axis_off()
    ax.set_title("Headline figures", loc="left", fontweight="bold")
    rows = _headline(report)
    for i, (label, value) in enumerate(rows):
        y = 0.97 - i * (0.94 / len(rows))
        ax.text(0.0, y, label, va="top", fontsize=11, transform=ax.transAxes)
        ax.text(
            1.0,
            y,
            value,
            va="top",
            ha="right",
            fontsize=11,
            fontweight="bold",
            transform=ax.transAxes,
        )


def _decision_mix(ax: Axes, report: dict[str, Any]) -> None:
    title = f"Decision mix ({report['decided']} decided)"
    if not report["decided"]:
        return _no_data(ax, title)
    values = [report[key] or 0.0 for key, _, _ in DECISIONS]
    bars = ax.bar([d[1] for d in DECISIONS], values, color=[d[2] for d in DECISIONS])
    labels = [f"{_pct(v)} ({round(v * report['decided'])})" for v in values]
    ax.bar_label(bars, labels=labels, padding=2)
    ax.set_ylim(0, max(values) * 1.2 or 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    _frame(ax, title)


def _edit_histogram(ax: Axes, report: dict[str, Any]) -> None:
    title = "Words changed in sent replies"
    histogram = report["edit_distance_histogram"]
    if not sum(histogram.values()):
        return _no_data(ax, title)
    bars = ax.bar(list(histogram), list(histogram.values()), color="#56B4E9")
    ax.bar_label(bars, padding=2)
    ax.set_ylim(0, max(histogram.values()) * 1.2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("words changed (0 = accepted as drafted)")
    _frame(ax, title)


def _category_mix(ax: Axes, report: dict[str, Any]) -> None:
    mix = report["category_mix"]
    title = f"Categories: {mix['ai_suitable']} AI-suitable · {mix['human_led']} human-led"
    counts = sorted(
        ((c, f["suggestions"]) for c, f in report["by_category"].items()), key=lambda cn: cn[1]
    )[-MAX_BARS:]
    if not counts:
        return _no_data(ax, title)
    colours = [HUMAN_COLOUR if c in HUMAN_LED else AI_COLOUR for c, _ in counts]
    bars = ax.barh([c.replace("_", " ") for c, _ in counts], [n for _, n in counts], color=colours)
    ax.bar_label(bars, padding=3)
    ax.set_xlim(0, max(n for _, n in counts) * 1.2)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    handles = [
        Patch(color=AI_COLOUR, label="AI-suitable"),
        Patch(color=HUMAN_COLOUR, label="human-led"),
    ]
    ax.legend(handles=handles, loc="lower right", frameon=False)
    _frame(ax, title, grid="x")


def _latency(ax: Axes, report: dict[str, Any]) -> None:
    # Over several days the trend matters; within one day, who waits longest.
    by, slices = (
        ("day", report["by_period"])
        if len(report["by_period"]) > 1
        else ("advisor", report["by_advisor"])
    )
    rows = [(k, f) for k, f in slices.items() if f["latency_ms"]["p50"] is not None]
    shown = f", {MAX_BARS} of {len(rows)}" if len(rows) > MAX_BARS else ""
    title = f"Latency by {by} (ms{shown})"
    if by == "advisor":  # the busiest advisors, then in name order
        rows = sorted(sorted(rows, key=lambda kf: -kf[1]["suggestions"])[:MAX_BARS])
    rows = rows[-MAX_BARS:]
    if not rows:
        return _no_data(ax, title)
    crowded = len(rows) > 6
    x = range(len(rows))
    for offset, key, colour in ((-0.2, "p50", "#56B4E9"), (0.2, "p95", "#0072B2")):
        values = [f["latency_ms"][key] for _, f in rows]
        bars = ax.bar([i + offset for i in x], values, 0.4, label=key, color=colour)
        if not crowded:
            ax.bar_label(bars, fmt="%.0f", padding=2, fontsize=9)
    labels = [k[5:] if by == "day" and crowded else _short(k) for k, _ in rows]
    ax.set_xticks(
        list(x), labels, rotation=30 if crowded else 0, ha="right" if crowded else "center"
    )
    ax.set_ylim(0, max(f["latency_ms"]["p95"] for _, f in rows) * 1.2)
    ax.legend(frameon=False, loc="upper left")
    _frame(ax, title)


def _flags(ax: Axes, report: dict[str, Any]) -> None:
    title = "Top flags"
    flags = list(report["flags"].items())[:8][::-1]
    if not flags:
        return _no_data(ax, title)
    labels = [f.replace("_", " ") for f, _ in flags]
    bars = ax.barh(labels, [n for _, n in flags], height=0.6, color="#D55E00")
    ax.bar_label(bars, padding=3)
    ax.set_xlim(0, max(n for _, n in flags) * 1.2)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _frame(ax, title, grid="x")


Chart = Callable[[Axes, dict[str, Any]], None]
CHARTS: tuple[tuple[str, Chart], ...] = (
    ("Decision mix", _decision_mix),
    ("Edit distance", _edit_histogram),
    ("Category mix", _category_mix),
    ("Latency", _latency),
    ("Flags", _flags),
)


def _dashboard_png(report: dict[str, Any]) -> bytes:
    fig = Figure(figsize=(16, 10), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    title = f"Copilot quality report: {_period(report)} · {report['suggestions']} suggestions"
    fig.suptitle(title, fontsize=16, fontweight="bold")
    axes = fig.subplots(2, 3).flat
    _headline_panel(next(axes), report)
    for (_, draw), ax in zip(CHARTS, axes, strict=True):
        draw(ax, report)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _chart_svg(title: str, draw: Chart, report: dict[str, Any]) -> str:
    fig = Figure(figsize=(6, 3.6), layout="constrained")
    FigureCanvasAgg(fig)
    draw(fig.subplots(), report)
    buffer = io.StringIO()
    metadata = {"Title": title, "Creator": None, "Date": None, "Format": None, "Type": None}
    fig.savefig(buffer, format="svg", metadata=metadata)
    svg = buffer.getvalue()
    # Inline SVG in HTML needs neither the XML prolog nor namespace declarations, and dropping
    # them leaves the page without a single http(s) URL, external or not.
    svg = svg[svg.index("<svg") :]
    return re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)


# -- HTML --------------------------------------------------------------------------------------

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; color: #222;
       padding: 0 1rem; }
h1 { margin-bottom: 0; } .period { color: #666; margin-top: .2rem; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
th, td { padding: .25rem .7rem; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(30rem, 1fr)); gap: 1rem; }
.charts figure { margin: 0; } .charts svg { width: 100%; height: auto; }
.tag { font-size: .8em; color: #CC79A7; } .gap { margin-bottom: 1rem; }
blockquote { margin: .3rem 0 .3rem 1rem; padding-left: .6rem; border-left: 3px solid #ccc; }
footer { color: #888; font-size: .85em; margin-top: 2rem; }
"""
COLUMNS = (
    "n",
    "decided",
    "accept",
    "edit",
    "reject",
    "regen",
    "med. edit",
    "heavy",
    "p50 ms",
    "p95 ms",
)


def _slice_figures(f: dict[str, Any]) -> list[str]:
    return [
        str(f["suggestions"]),
        str(f["decided"]),
        *(_pct(f[key]) for key, _, _ in DECISIONS),
        _num(f["median_edit_distance"]),
        str(f["heavy_edits"]),
        _num(f["latency_ms"]["p50"]),
        _num(f["latency_ms"]["p95"]),
    ]


def _table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _slice_section(report: dict[str, Any], by: str) -> str:
    slices = report[f"by_{by}"]
    if not slices:
        return ""
    rows = []
    for key, figures in slices.items():
        name = escape(key.replace("_", " ") if by == "category" else key)
        if by == "category" and key in HUMAN_LED:
            name += ' <span class="tag">human-led</span>'
        rows.append([name, *(escape(c) for c in _slice_figures(figures))])
    heading = "KB version" if by == "kb_version" else by.replace("_", " ")
    return f"<h2>By {escape(heading)}</h2>" + _table((heading, *COLUMNS), rows)


def _gaps_section(report: dict[str, Any]) -> str:
    gaps = report["kb_gaps"]
    if not gaps:
        return "<h2>KB gaps</h2><p>No KB gaps recorded.</p>"
    items = []
    for gap in gaps:
        reasons = ", ".join(f"{escape(r)} ×{n}" for r, n in gap["reasons"].items())
        examples = "".join(f"<blockquote>{escape(e)}</blockquote>" for e in gap["examples"])
        cited = ", ".join(escape(c) for c in gap.get("cited", [])) or "–"
        items.append(
            f'<li class="gap"><strong>{escape(gap["intent"])}</strong> ({gap["count"]}): '
            f"{reasons}<br>cited: {cited}{examples}</li>"
        )
    return "<h2>KB gaps</h2><ol>" + "".join(items) + "</ol>"


def _html(report: dict[str, Any]) -> str:
    period = escape(_period(report))
    headline = _table(("figure", "value"), [[escape(k), escape(v)] for k, v in _headline(report)])
    charts = "".join(f"<figure>{_chart_svg(t, draw, report)}</figure>" for t, draw in CHARTS)
    slices = "".join(_slice_section(report, by) for by in ("category", *SLICES))
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Copilot quality report: {period}</title><style>{STYLE}</style></head><body>"
        f'<h1>Copilot quality report</h1><p class="period">{period}</p>'
        f"<h2>Headline figures</h2>{headline}"
        f'<h2>Charts</h2><div class="charts">{charts}</div>'
        f"{slices}{_gaps_section(report)}"
        "<footer>Rates are shares of decided suggestions (superseded and pending drafts are not "
        "decided); an accepted briefing is counted apart from the replies sent; edit distance is "
        "in words; latency runs from the trigger (the customer's turn, or a regenerate) to the "
        f"complete suggestion set. Generated {generated}.</footer></body></html>\n"
    )
