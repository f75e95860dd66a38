"""The bad-input sweep: every subcommand of `copilot`, found by walking the click tree, with each
bad input that applies to it. Each case must end with exactly one line on stderr
(`error: ...`), no traceback, and a non-zero exit.

Two kinds of cases:
- generic ones, derived from each command's parameters, so a new subcommand is covered the day
  it is added: an unknown option, a missing required parameter, a value outside a choice or a
  range, a file that does not exist;
- the bad inputs a person actually gives (an empty query, a path with nothing to index, a file
  in the wrong format, an empty transcript) and the outside services a command needs (a model
  with no key or an endpoint that refuses, an unreachable Chroma server or PostgreSQL), from
  the table `NEEDS` that every command must appear in.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from copilot.cli.main import load_commands

ROOT = load_commands()
SAMPLE_CALL = (
    Path(__file__).parents[2] / "knowledge_base/samples/transcripts/late-fee-call-en.jsonl"
)


def leaf_commands(group: click.Group = ROOT, path: tuple[str, ...] = ()) -> Iterator[tuple]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = dict(leaf_commands())
NAMES = [" ".join(words) for words in COMMANDS]

# What each command needs from outside, so that its failure is tried: "model" (a chat model,
# when COPILOT_LLM_MODEL is set, with no key), "endpoint" (the same endpoint refusing),
# "chroma" (the knowledge base), "postgres" (the record store). A new command must be added
# here: the test below names it.
NEEDS: dict[str, set[str]] = {
    "assist": {"model", "endpoint", "chroma"},
    "audit head": {"postgres"},
    "audit prune": {"postgres"},
    "audit verify": {"postgres"},
    "classify": {"model", "endpoint", "chroma"},
    "eval export-feedback": {"postgres"},
    "eval summaries": {"model", "endpoint", "chroma"},
    "export case-notes": {"postgres"},
    "eval retrieval": {"chroma"},
    "eval routing": set(),  # the intents file and the embedder are local
    "train routing": set(),  # the public sets are local files; absent, it says so
    "train sentiment": set(),
    "kb index": {"chroma"},
    "kb search": {"chroma"},
    "kb stats": {"chroma"},
    "redact": set(),
    "report": {"postgres"},
    "review": {"postgres"},
    "summarize": {"model", "endpoint", "chroma"},
    # a model with no key stops the command before the UI opens; the workspace reports any
    # other outside failure in its status bar (the TUI's tests)
    "workspace": {"model"},
}

UNREACHABLE = {
    "model": {"COPILOT_LLM_MODEL": "gpt-test"},  # and no key
    "endpoint": {
        "COPILOT_LLM_MODEL": "m",
        "COPILOT_LLM_BASE_URL": "http://127.0.0.1:9/v1",  # the discard port: refused at once
        "COPILOT_LLM_API_KEY": "k",
        "COPILOT_LLM_TIMEOUT_S": "5",
    },
    "chroma": {"COPILOT_CHROMA_URL": "http://127.0.0.1:9", "COPILOT_CHROMA_TIMEOUT_S": "3"},
    "postgres": {"COPILOT_DATABASE_URL": "postgresql://copilot@127.0.0.1:9/copilot"},
}


CONTACT = (
    '{"id": "c1", "turns": [{"role": "customer", "text": "Why was I charged a late fee?"}, '
    '{"role": "advisor", "text": "Let me check the fee."}], '
    '"references": ["The customer asked about a late fee."]}\n'
)


def run(args: list[str], stdin: str = "late fee?\n", env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(ROOT, args, input=stdin, env=env)


def assert_one_error_line(result: Result) -> str:
    """Non-zero exit, exactly one line on stderr, `error: ...`, no traceback anywhere."""
    shown = f"stdout={result.stdout!r} stderr={result.stderr!r}"
    assert result.exit_code != 0, shown
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # not a crash
    assert "Traceback" not in result.stdout + result.stderr, shown
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), shown
    return lines[0]


def test_every_command_says_what_it_needs_from_outside() -> None:
    unlisted = sorted(set(NAMES) - set(NEEDS))
    assert not unlisted, f"add {unlisted} to NEEDS (what each needs from outside)"
    assert not set(NEEDS) - set(NAMES), "NEEDS names a command that no longer exists"


@pytest.mark.parametrize("name", NAMES)
def test_an_unknown_option_is_one_line(name: str) -> None:
    line = assert_one_error_line(run([*name.split(), "--no-such-option"]))
    assert "--no-such-option" in line and "--help" in line


def generic_cases() -> Iterator[tuple[str, list[str]]]:
    """(command, arguments) for each bad value its parameters can be given."""
    for words, command in COMMANDS.items():
        name = " ".join(words)
        required = [p for p in command.params if p.required]
        if required:
            yield name, []
        for param in command.params:
            if not isinstance(param, click.Option) or param.is_flag:
                continue
            flag = param.opts[0]
            if isinstance(param.type, click.Choice):
                yield name, [flag, "no-such-choice"]
            elif isinstance(param.type, click.IntRange | click.FloatRange):
                low = param.type.min
                yield name, [flag, str(low - 1 if low is not None else "not-a-number")]
            elif isinstance(param.type, click.Path) and param.type.exists:
                yield name, [flag, "/no/such/file.jsonl"]
            if param.type is click.INT or param.type is click.FLOAT:
                yield name, [flag, "not-a-number"]


@pytest.mark.parametrize(("name", "args"), list(generic_cases()))
def test_a_bad_parameter_is_one_line(name: str, args: list[str]) -> None:
    # the other required parameters given, so that only the bad one can fail
    complete = {"assist": ["--transcript", str(SAMPLE_CALL)]}.get(name, [])
    if not args or "--transcript" in args:
        complete = []
    assert_one_error_line(run([*name.split(), *args, *complete]))


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def given_inputs(tmp_path: Path) -> dict[str, list[list[str]]]:
    """The bad inputs people give, by command."""
    notes = write(tmp_path, "notes.md", "# my notes\n")
    empty = write(tmp_path, "empty.jsonl", "")
    blank = write(tmp_path, "blank.jsonl", "\n  \n")
    not_turns = write(tmp_path, "notes.jsonl", '{"note": "call back"}\n')
    wrong_keys = write(tmp_path, "q.jsonl", '{"query": "late fee", "relevant": ["late-fees"]}\n')
    unknown_ids = write(tmp_path, "q2.jsonl", '{"query": "late fee", "relevant_ids": ["nope"]}\n')
    empty_dir = tmp_path / "empty-folder"
    empty_dir.mkdir()
    bad_transcripts = [empty, blank, not_turns, notes]
    return {
        "kb index": [["/no/such/path"], [str(empty_dir)], [notes], []],
        "kb search": [[""], ["   "]],
        "eval retrieval": [
            ["--docs", notes, "--queries", wrong_keys],
            ["--docs", notes],
            ["--queries", notes],
            ["--queries", wrong_keys],
            ["--queries", unknown_ids],
            ["--docs", "/no/such/docs.jsonl", "--queries", unknown_ids],
        ],
        "assist": [["--transcript", t] for t in bad_transcripts],
        "summarize": [["--transcript", t] for t in bad_transcripts],
        "workspace": [["--replay", t] for t in bad_transcripts],
        "eval summaries": [["--data", d] for d in (empty, notes, not_turns)],
        "eval routing": [["--data", d] for d in (empty, notes, not_turns)],
        "audit verify": [["--expect-head", "not a head"]],
        "audit prune": [[]],  # no retention period set
        "report": [["--since", "last tuesday"]],
        "eval export-feedback": [[str(tmp_path / "no-such-folder" / "out.jsonl")]],
    }


GIVEN_NAMES = [
    "assist",
    "audit prune",
    "audit verify",
    "eval export-feedback",
    "eval retrieval",
    "eval routing",
    "eval summaries",
    "kb index",
    "kb search",
    "report",
    "summarize",
    "workspace",
]


@pytest.mark.parametrize("name", GIVEN_NAMES)
def test_a_bad_input_is_one_line(name: str, tmp_path: Path) -> None:
    given = given_inputs(tmp_path)
    assert sorted(given) == GIVEN_NAMES and name in NAMES
    for args in given[name]:
        assert_one_error_line(run([*name.split(), *args]))


def service_cases() -> Iterator[tuple[str, str]]:
    for name in NAMES:
        for need in sorted(NEEDS.get(name, ())):
            yield name, need


def arguments(name: str, tmp_path: Path) -> list[str]:
    """Good arguments, so that only the outside service can fail."""
    return {
        "assist": ["--transcript", str(SAMPLE_CALL)],
        "summarize": ["--transcript", str(SAMPLE_CALL)],
        "kb index": ["--sample"],
        "kb search": ["late fee"],
        "audit prune": ["--days", "30"],
        "eval export-feedback": [str(tmp_path / "out.jsonl")],
        "eval summaries": ["--data", write(tmp_path, "contacts.jsonl", CONTACT)],
        "export case-notes": ["--out", str(tmp_path / "notes")],
    }.get(name, [])


@pytest.mark.parametrize(("name", "service"), list(service_cases()))
def test_an_outside_service_that_fails_is_one_line(name: str, service: str, tmp_path: Path) -> None:
    if name == "assist" and service == "endpoint":  # the model is called after the KB opens
        assert run(["kb", "index", "--sample"]).exit_code == 0
    line = assert_one_error_line(
        run([*name.split(), *arguments(name, tmp_path)], env=UNREACHABLE[service])
    )
    assert {"model": "API key", "endpoint": "127.0.0.1:9", "chroma": "127.0.0.1:9"}.get(
        service, "PostgreSQL"
    ) in line
