"""What a person reads from the command line: tables and labelled text, never a Python dict;
search hits listed by the score they show; `--json` unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from copilot.cli.main import load_commands
from copilot.config import Settings
from knowledge_base import SAMPLES_DIR
from knowledge_base.indexer import index_paths

ROOT = load_commands()
SAMPLE_CALL = SAMPLES_DIR / "transcripts/late-fee-call-en.jsonl"


def run(*args: str) -> Result:
    result = CliRunner().invoke(ROOT, list(args))
    assert result.exit_code == 0, result.output
    return result


def looks_like_a_dict(text: str) -> bool:
    return "{'" in text or "': " in text or "['" in text


@pytest.fixture
def sample_kb() -> None:
    index_paths([SAMPLES_DIR / "articles"], Settings(), kb="sample")


@pytest.mark.usefixtures("sample_kb")
def test_kb_stats_is_a_table_of_labelled_rows() -> None:
    out = run("kb", "stats").stdout
    assert not looks_like_a_dict(out), out
    assert "by lang" in out and "en 31 · fr 32" in out
    stats = json.loads(run("kb", "stats", "--json").stdout)  # the contract is unchanged
    assert stats["by_lang"] == {"en": 31, "fr": 32} and stats["documents"] == 63


def test_summarize_is_labelled_text() -> None:
    out = run("summarize", "--transcript", str(SAMPLE_CALL)).stdout
    assert not looks_like_a_dict(out), out
    assert "wrap-up summary" in out and "reason for contact" in out and "CMD-582910K" in out
    as_json = json.loads(run("summarize", "--transcript", str(SAMPLE_CALL), "--json").stdout)
    assert "CMD-582910K" in " ".join(as_json["key_facts"])


def test_assist_prints_the_handover_and_the_summary_as_labelled_text(tmp_path: Path) -> None:
    call = tmp_path / "bot.jsonl"
    call.write_text(
        "\n".join(
            json.dumps(turn)
            for turn in (
                {"role": "bot", "text": "Hello, how can I help?"},
                {"role": "customer", "text": "I was charged a late fee on order CMD-582910K"},
                {"role": "advisor", "text": "Hello, let me look."},
                {"role": "customer", "text": "Why the late fee?"},
            )
        ),
        encoding="utf-8",
    )
    out = run("assist", "--transcript", str(call)).stdout
    assert not looks_like_a_dict(out), out
    assert "hand-over brief" in out and "customer goal" in out
    assert "wrap-up summary" in out and "reason for contact" in out
    lines = run("assist", "--transcript", str(call), "--json").stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    assert "handover" in rows[0] and "summary" in rows[-1]  # JSON Lines, as documented


QUERIES = [
    "late fee",
    "can I move my due date",
    "Comment contester un achat auprès du marchand ?",
    "my card was stolen",
    "rembourser une commande annulée",
]


@pytest.mark.usefixtures("sample_kb")
def test_search_hits_are_ordered_by_the_score_they_show() -> None:
    """Scores never rise as the rank falls, in every mode and language filter (an article shown
    in the question's language carries the score of the version that ranked it)."""
    listed = 0
    for mode in ("hybrid", "dense", "lexical"):
        for lang in (None, "en", "fr"):
            for query in QUERIES:
                args = ["kb", "search", query, "-k", "8", "--mode", mode, "--json"]
                hits = json.loads(run(*args, *(["--lang", lang] if lang else [])).stdout)
                scores = [hit["score"] for hit in hits]
                assert scores == sorted(scores, reverse=True), (mode, lang, query, scores)
                listed += len(hits)
    assert listed > 200


@pytest.mark.usefixtures("sample_kb")
def test_search_says_what_its_score_is() -> None:
    out = run("kb", "search", "late fee", "-k", "2").stdout
    assert "best first" in out and "higher is better" in out
