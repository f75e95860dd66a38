"""How the command line shows a structured result to a person: a titled table of labelled
fields, lists as bullets. `--json` never comes here; it prints the model as is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from copilot.state import HandoverBrief, Summary

NOTHING = "—"


def field_value(value: Any) -> Text | str:
    """One field as text: a list as bullets, a mapping as `key n · key n`, nothing as a dash."""
    if isinstance(value, list | tuple):
        if not value:
            return NOTHING
        return Text("\n".join(f"• {item}" for item in value))
    if isinstance(value, Mapping):
        if not value:
            return NOTHING
        return Text(" · ".join(f"{k} {v}" for k, v in value.items() if v is not None))
    if value is None or value == "":
        return NOTHING
    return Text(str(value))


def fields_table(title: str, fields: Mapping[str, Any]) -> Table:
    """Labelled rows under a title; a label is the field's name in words."""
    table = Table(title=escape(title), show_header=False, title_justify="left", expand=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    for name, value in fields.items():
        table.add_row(name.replace("_", " "), field_value(value))
    return table


def print_summary(out: Console, summary: Summary) -> None:
    fields = summary.model_dump()
    engine = fields.pop("engine")
    fields = {"case_note": fields.pop("text", ""), **fields}
    start, end = fields.pop("sentiment_start"), fields.pop("sentiment_end")
    trend = fields.pop("sentiment_trend", None)
    fields["sentiment"] = f"{start} → {end}" + (f" ({trend})" if trend else "")
    out.print(fields_table(f"wrap-up summary ({engine})", fields))


def print_handover(out: Console, brief: HandoverBrief) -> None:
    fields = brief.model_dump()
    engine = fields.pop("engine")
    out.print(fields_table(f"hand-over brief ({engine})", fields))
