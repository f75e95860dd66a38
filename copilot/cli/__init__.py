"""The `copilot` command: thin commands over the library.

Library errors become one line on stderr and a non-zero exit; nothing here holds logic of its own.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from rich.console import Console

from knowledge_base.errors import CopilotError

F = TypeVar("F", bound=Callable[..., Any])
stdout = Console()
stderr = Console(stderr=True)


def reports_errors(func: F) -> F:
    """Turn the errors a user can act on into one clear line and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CopilotError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except OSError as exc:  # the machine's side: a full disk, a permission, a lost mount
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            click.echo(f"error: invalid setting COPILOT_{where.upper()}: {first['msg']}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def waiting_for(kb: str) -> Callable[[], None]:
    """What an indexing run says when it waits for another run of the same knowledge base."""
    return lambda: click.echo(f"waiting for the indexing run of '{kb}' in progress…", err=True)


def print_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=None))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="advisor-copilot")
def cli() -> None:
    """Agent-assist copilot for customer-service advisors."""


def main() -> None:
    from copilot.cli import assist, evaluate, kb, records, train, workspace  # noqa: F401

    cli()
