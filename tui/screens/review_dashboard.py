"""The dashboard over the suggestions in the queue: decision rates, edit distances, latency,
category mix, flags and escalations, the top KB gaps, and one slice at a time (period, advisor,
prompt version, KB version, engine, category) in a table.

The figures are `copilot.store.report.build_report`'s, the same `copilot report` prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Sparkline, Static

from copilot.store.report import build_report, percent, rate_cells
from tui.widgets.review_charts import BarRow, Bars
from tui.widgets.review_suggestion import category_label, flag_label
from tui.widgets.review_table import fill_table

if TYPE_CHECKING:
    from tui.review import ReviewDisplay

SLICES = {
    "period": "period",
    "advisor": "advisor",
    "prompt_version": "prompt",
    "kb_version": "KB version",
    "engine": "engine",
    "category": "category",
}
SLICE_COLUMNS = ("slice", "n", "accept", "edit", "reject", "regen", "Δw med", "p50 ms", "p95 ms")
PANELS = {
    "#dash-decisions": "Decisions",
    "#dash-edits": "Edit distance (words)",
    "#dash-latency": "Suggestion latency",
    "#dash-mix": "Category mix · flags",
    "#dash-gaps": "Top KB gaps",
    "#dash-slices": "By slice",
}


def ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} ms"


def share_rows(report: dict[str, Any]) -> list[BarRow]:
    decided = report["decided"]
    rows = []
    for label, key, style in (
        ("Acceptance", "acceptance_rate", "$success"),
        ("Edit", "edit_rate", "$warning"),
        ("Rejection", "rejection_rate", "$error"),
        ("Regeneration", "regeneration_rate", "$accent"),
    ):
        share = report[key]
        count = round((share or 0) * decided)
        rows.append(BarRow(label, share or 0, 1, f"{percent(share)} {count}/{decided}", style))
    return rows


def mix_rows(report: dict[str, Any]) -> list[BarRow]:
    mix, total = report["category_mix"], report["suggestions"]
    rows = [
        BarRow("AI-suitable", mix["ai_suitable"], total, str(mix["ai_suitable"]), "$success"),
        BarRow("Human-led", mix["human_led"], total, str(mix["human_led"]), "$warning"),
    ]
    rows += [
        BarRow(flag_label(flag), count, total, str(count), "$error")
        for flag, count in report["flags"].items()
    ]
    return rows


def gaps_content(report: dict[str, Any]) -> Content:
    gaps = report["kb_gaps"][:5]
    if not gaps:
        return Content.styled(
            "no KB gap: nothing abstained, rejected or judged a policy gap", "$text-muted"
        )
    parts: list[tuple[str, str] | str] = []
    for gap in gaps:
        if parts:
            parts.append("\n")
        reasons = ", ".join(f"{why} {n}" for why, n in gap["reasons"].items())
        examples = " · ".join(f"“{e}”" for e in gap["examples"])
        parts += [
            (f"{gap['count']}× ", "bold $text-warning"),
            (gap["intent"].replace("_", " "), "bold"),
            (f"  {reasons}", "$text-muted"),
            "\n   ",
            examples or "–",
        ]
        if gap["cited"]:
            parts.append((f" · cited {', '.join(gap['cited'])}", "$text-muted"))
    return Content.assemble(*parts)


class DashboardScreen(Screen[None]):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-medium"), (140, "-wide")]
    BINDINGS = [
        Binding("s", "slice(1)", "Next slice"),
        Binding("S", "slice(-1)", "Prev. slice"),
        *(
            Binding(str(n), f"pick_slice('{key}')", label, show=False)
            for n, (key, label) in enumerate(SLICES.items(), start=1)
        ),
        Binding("escape", "back", "Queue"),
    ]

    def __init__(
        self, rows: list[dict[str, Any]], described: str, display: ReviewDisplay, since: str | None
    ) -> None:
        super().__init__()
        self.rows = rows
        self.described = described
        self.display_options = display
        self.report = build_report(rows, since)
        self.slice = "period"

    def compose(self) -> ComposeResult:
        yield Static(id="dash-heading")
        with VerticalScroll(id="dash-body"):
            with Grid(id="dash-grid"):
                with Vertical(id="dash-decisions"):
                    yield Static(id="dash-decided")
                    yield Bars(share_rows(self.report), id="dash-rates")
                with Vertical(id="dash-edits"):
                    yield Static(id="dash-edit-summary")
                    yield Bars(id="dash-histogram")
                with Vertical(id="dash-latency"):
                    yield Static(id="dash-latency-figures")
                    yield Sparkline(
                        [
                            float(r["latency_ms"])
                            for r in self.rows
                            if r.get("latency_ms") is not None
                        ],
                        id="dash-sparkline",
                    )
                with Vertical(id="dash-mix"):
                    yield Bars(mix_rows(self.report), id="dash-mix-bars")
                    yield Static(id="dash-escalations")
            with Grid(id="dash-lower"):
                yield Static(gaps_content(self.report), id="dash-gaps")
                with Vertical(id="dash-slices"):
                    yield Static(id="dash-slice-picker")
                    yield DataTable(id="dash-slice-table", cursor_type="none", zebra_stripes=True)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        for selector, title in PANELS.items():
            self.query_one(selector).border_title = title
        r = self.report
        self.query_one("#dash-heading", Static).update(
            Content.assemble(
                ("Dashboard", "bold"),
                f" · {r['suggestions']} suggestions · {r['reviews']['reviewed']} reviewed · ",
                (self.described, "$text-muted"),
            )
        )
        self.query_one("#dash-decided", Static).update(
            Content.assemble(
                (str(r["decided"]), "bold"),
                f" of {r['suggestions']} decided",
                (" · shares of decided", "$text-muted"),
                # an accepted briefing prepared the advisor: it is not a sent reply
                "\nsent ",
                (str(r["replies_sent"]), "bold"),
                " · briefings ",
                (str(r["briefings_acknowledged"]), "bold"),
                " · rejected ",
                (str(r["drafts_rejected"]), "bold"),
            )
        )
        median = r["median_edit_distance"]
        self.query_one("#dash-edit-summary", Static).update(
            Content.assemble(
                "median ",
                ("–" if median is None else f"{median:g}", "bold"),
                " · heavy edits ",
                (str(r["heavy_edits"]), "bold"),
            )
        )
        histogram = r["edit_distance_histogram"]
        most = max(histogram.values(), default=0)
        self.query_one("#dash-histogram", Bars).show(
            [BarRow(k, v, most, str(v), "$primary") for k, v in histogram.items()]
        )
        latency = r["latency_ms"]
        self.query_one("#dash-latency-figures", Static).update(
            Content.assemble(
                "p50 ", (ms(latency["p50"]), "bold"), " · p95 ", (ms(latency["p95"]), "bold")
            )
        )
        self.query_one("#dash-escalations", Static).update(
            Content.assemble("Escalations (advisor leads) ", (str(r["escalations"]), "bold"))
        )
        table = self.query_one(DataTable)
        table.add_columns(
            "slice", "n", "accept", "edit", "reject", "regen", "med.edit", "p50", "p95"
        )
        self.show_slice()
        self.query_one("#dash-body").focus()

    def show_slice(self) -> None:
        picker: list[tuple[str, str] | str] = [("by ", "$text-muted")]
        for n, (key, label) in enumerate(SLICES.items(), start=1):
            style = "bold reverse $text-accent" if key == self.slice else "$text-muted"
            picker += [(f" {n} {label} ", style), " "]
        self.query_one("#dash-slice-picker", Static).update(Content.assemble(*picker))
        rows = []
        for name, f in self.report[f"by_{self.slice}"].items():
            if self.slice == "period":
                name = self.display_options.day(name)
            elif self.slice == "category":
                name = category_label(name)
            rows.append([name, str(f["suggestions"]), *rate_cells(f)])
        fill_table(self.query_one(DataTable), SLICE_COLUMNS, rows, max_width=18)
        self.query_one("#dash-slices").border_title = f"By {SLICES[self.slice]}"

    def action_slice(self, step: int) -> None:
        keys = list(SLICES)
        self.slice = keys[(keys.index(self.slice) + step) % len(keys)]
        self.show_slice()

    def action_pick_slice(self, key: str) -> None:
        self.slice = key
        self.show_slice()

    def action_back(self) -> None:
        self.dismiss()
