"""`copilot workspace`: the advisor's terminal UI (the `tui` package, imported on use).

Textual is imported inside the command, so `copilot` and its other commands never load it.
"""

from __future__ import annotations

from pathlib import Path

import click

from copilot.cli import cli, engine_settings, reports_errors
from knowledge_base.errors import KnowledgeBaseError


@cli.command("workspace")
@click.option(
    "--replay",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Replay a JSONL transcript ({role, text, delay_s} a line) with its timing.",
)
@click.option(
    "--speed",
    type=click.FloatRange(min=0.01),
    default=1.0,
    show_default=True,
    help="Replay speed factor (2 plays twice as fast).",
)
@click.option("--stdin", "from_stdin", is_flag=True, help="Read turns as JSON lines on stdin.")
@click.option("--thread", "thread_id", help="Resume this contact (thread id).")
@click.option("--engine", "engine_name", type=click.Choice(["offline", "llm"]))
@reports_errors
def workspace_cmd(
    replay: Path | None,
    speed: float,
    from_stdin: bool,
    thread_id: str | None,
    engine_name: str | None,
) -> None:
    """Open the advisor workspace: conversation, suggestions, decisions and wrap-up."""
    from tui.app import make_app
    from tui.feeds import FeedError, detach_stdin, read_replay

    settings = engine_settings(engine_name)  # a model that cannot be used: one line, no UI
    try:
        turns = read_replay(replay) if replay else None
        feed = detach_stdin() if from_stdin else None
    except FeedError as exc:
        raise KnowledgeBaseError(str(exc)) from exc
    make_app(settings, thread_id=thread_id, replay=turns, replay_speed=speed, feed=feed).run()
