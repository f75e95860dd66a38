"""The `copilot kb` and `copilot eval retrieval` contracts, through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from copilot.cli import cli
from copilot.cli import evaluate as _evaluate  # noqa: F401  (registers commands)
from copilot.cli import kb as _kb  # noqa: F401
from tests.conftest import write_article


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_index_search_stats_json_contracts(tmp_path: Path) -> None:
    write_article(tmp_path, "refunds-en", "Refunds are credited within 5 days.", title="Refunds")
    write_article(
        tmp_path,
        "frais-fr",
        "Les frais de retard sont de 5 euros.",
        lang="fr",
        title="Frais de retard",
    )
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 nonsense")
    code, out, err = run("kb", "index", str(tmp_path), "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert set(summary) >= {
        "added",
        "updated",
        "unchanged",
        "removed",
        "chunks",
        "seconds",
        "failed",
    }
    assert summary["added"] == 2 and summary["failed"][0]["path"].endswith("broken.pdf")

    code, out, _ = run("kb", "search", "refunds credited", "--json", "-k", "2")
    hits = json.loads(out)
    assert code == 0 and hits[0]["doc_id"] == "refunds-en"
    assert set(hits[0]) >= {
        "doc_id",
        "chunk_id",
        "title",
        "section",
        "lang",
        "effective_date",
        "score",
        "text",
    }
    code, out, _ = run("kb", "search", "frais", "--json", "--lang", "fr")
    assert {h["lang"] for h in json.loads(out)} == {"fr"}

    code, out, _ = run("kb", "stats", "--json")
    stats = json.loads(out)
    assert code == 0 and stats["documents"] == 2 and stats["by_lang"] == {"en": 1, "fr": 1}

    code, out, _ = run("kb", "search", "refunds")
    assert code == 0 and "Refunds" in out


def test_search_lists_a_translated_article_once_in_the_questions_language(
    tmp_path: Path,
) -> None:
    write_article(
        tmp_path, "fees-en", "Late fees are 5 euros, capped at 15.", extra="topic: fees\n"
    )
    write_article(
        tmp_path,
        "fees-fr",
        "Les frais de retard sont de 5 euros, plafonnés à 15.",
        lang="fr",
        extra="topic: fees\n",
    )
    write_article(tmp_path, "refunds-en", "Refunds are credited within 5 days.")
    assert run("kb", "index", str(tmp_path), "--json")[0] == 0
    for question, lang in (("Combien coûtent les frais de retard ?", "fr"), ("late fees?", "en")):
        code, out, _ = run("kb", "search", question, "--json", "-k", "3")
        hits = [h for h in json.loads(out) if h["doc_id"].startswith("fees")]
        assert code == 0 and [h["lang"] for h in hits] == [lang], out


def test_strict_and_empty_runs_exit_non_zero(tmp_path: Path) -> None:
    write_article(tmp_path, "ok", "Fine text.")
    (tmp_path / "bad.xyz").write_text("?")
    assert run("kb", "index", str(tmp_path))[0] == 0
    code, _, err = run("kb", "index", str(tmp_path), "--strict")
    assert code == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "e.md").write_text("")
    code, _, err = run("kb", "index", str(empty), "--kb", "other")
    assert code == 1 and "nothing could be indexed" in err


def test_errors_are_one_line(tmp_path: Path) -> None:
    code, _, err = run("kb", "search", "anything", "--kb", "missing")
    assert code == 1 and err.count("\n") == 1 and "not indexed yet" in err
    code, _, err = run("kb", "index")
    assert code == 1 and "give at least one PATH" in err
    code, _, err = run("kb", "search", "x", "--kb", "Bad Name")
    assert code == 1 and "invalid knowledge base name" in err


def test_eval_retrieval_json_and_predictions(tmp_path: Path) -> None:
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        "\n".join(
            json.dumps(d)
            for d in [
                {
                    "id": "d1",
                    "text": "Late fees are capped at 15 euros per purchase.",
                    "lang": "en",
                },
                {
                    "id": "d2",
                    "text": "Lost cards must be blocked in the app at once.",
                    "lang": "en",
                },
                {"id": "d3", "text": "Les remboursements arrivent sous cinq jours.", "lang": "fr"},
            ]
        )
    )
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        "\n".join(
            json.dumps(q)
            for q in [
                {"id": "q1", "query": "late fees capped", "relevant_ids": ["d1"], "lang": "en"},
                {"id": "q2", "query": "blocked lost cards", "relevant_ids": ["d2"], "lang": "en"},
                {
                    "id": "q3",
                    "query": "remboursements cinq jours",
                    "relevant_ids": ["d3"],
                    "lang": "fr",
                },
            ]
        )
    )
    predictions = tmp_path / "pred.jsonl"
    code, out, err = run(
        "eval",
        "retrieval",
        "--docs",
        str(docs),
        "--queries",
        str(queries),
        "--mode",
        "lexical",
        "--json",
        "--predictions",
        str(predictions),
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["hit@1"] == 1.0 and report["mrr@10"] == 1.0 and report["n"] == 3
    assert set(report["latency_ms"]) == {"p50", "p95"}
    assert report["by_group"]["lang=fr"]["n"] == 1
    rows = [json.loads(line) for line in predictions.read_text().splitlines()]
    assert rows[0]["ranked_ids"][0] == "d1"
