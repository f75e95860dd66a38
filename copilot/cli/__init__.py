"""The `copilot` command: thin commands over the library.

Every error a user can act on is one line on stderr (`error: ...`) and a non-zero exit: library
errors (`CopilotError`) and the machine's (`OSError`) with status 1, a wrong option or argument
with status 2 (click's own usage errors, folded into one line by `CopilotGroup`). Nothing here
holds logic of its own.

This module holds the root group and what every command shares; `copilot.cli.main` imports the
command modules (which register themselves here) and is the entry point, so the package never
imports its own commands back (no import loop).
"""

from __future__ import annotations

import functools
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from rich.console import Console

from copilot.config import Settings
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
            click.echo(f"error: {one_line(str(exc))}", err=True)
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


def engine_settings(engine_name: str | None) -> Settings:
    """The settings with `--engine` applied, checked before anything slow runs: a model that
    cannot be used (no model name, no key for OpenAI) is one line at once, not after the sample
    KB was indexed."""
    settings = Settings()
    if engine_name:
        settings = settings.model_copy(update={"engine": engine_name})
    if settings.engine == "llm" or (settings.engine == "auto" and settings.llm_model):
        from copilot.engines.llm_client import build_chat_model

        build_chat_model(settings)  # raises EngineError naming what is missing
    return settings


def waiting_for(kb: str) -> Callable[[], None]:
    """What an indexing run says when it waits for another run of the same knowledge base."""
    return lambda: click.echo(f"waiting for the indexing run of '{kb}' in progress…", err=True)


def print_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=None))


class CopilotGroup(click.Group):
    """The top-level group: click's usage errors (a missing option, a file that does not exist,
    a value out of range) become one line `error: ... (see 'copilot CMD --help')`, exit 2, instead
    of click's four-line usage block."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # `copilot kb` alone: its help
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"error: {one_line(exc.format_message())}{where}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"error: {one_line(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("error: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def one_line(message: str) -> str:
    """A message on one line (click's may span several)."""
    return " ".join(message.split())


@click.group(cls=CopilotGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="advisor-copilot")
def cli() -> None:
    """Agent-assist copilot for customer-service advisors."""


def main() -> None:
    """The entry point that console scripts generated before `copilot.cli.main` existed still
    name (`copilot.cli:main`); a fresh `pip install` points `copilot` at `copilot.cli.main:main`.
    Imported by name at call time so that this package never imports its commands back."""
    importlib.import_module("copilot.cli.main").main()
