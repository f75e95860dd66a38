"""The `copilot` entry point: the whole command tree, each command module registering its
commands on the root group of `copilot.cli` when imported."""

from __future__ import annotations

import click

from copilot.cli import assist, cli, evaluate, kb, records, train, workspace  # noqa: F401 (registers)


def load_commands() -> click.Group:
    """The root group with every command registered."""
    return cli


def main() -> None:
    cli()
