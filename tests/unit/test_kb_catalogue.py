"""Each knowledge base brings its own catalogue (intents, macros, actions) or none.

The Velomondo sample (a bicycle shop, `knowledge_base/samples_other/velomondo`) has its own
small catalogue; the Lumerie sample (an energy supplier, `.../lumerie`) has none. Neither may
ever get the sample lender's intents, macros or actions.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from copilot.cli import assist as _assist  # noqa: F401  (registers commands)
from copilot.cli import cli
from copilot.cli import kb as _kb  # noqa: F401
from copilot.cli.assist import build_session
from copilot.config import Settings
from copilot.understanding.pipeline import SAMPLE_INTENTS, load_intents
from copilot.understanding.routing import NO_INTENT, Category
from knowledge_base import SAMPLES_DIR
from knowledge_base.catalog import load_actions, load_macros
from knowledge_base.indexer import index_paths
from knowledge_base.store import KnowledgeBase

OTHER = SAMPLES_DIR.parent / "samples_other"
VELOMONDO = OTHER / "velomondo"
LUMERIE = OTHER / "lumerie"
SAMPLE_INTENT_IDS = {spec.id for spec in load_intents(SAMPLE_INTENTS)}
SAMPLE_ACTION_IDS = {a.id for a in load_actions(SAMPLES_DIR)}
SAMPLE_MACRO_IDS = {m.id for m in load_macros(SAMPLES_DIR)}
VELOMONDO_INTENTS = {spec.id for spec in load_intents(VELOMONDO / "intents.yaml")}
VELOMONDO_ACTIONS = {a.id for a in load_actions(VELOMONDO)}


def kb_settings(name: str) -> Settings:
    return Settings().model_copy(update={"kb": name})


def test_indexing_records_the_kb_folders_catalogue_and_skips_its_files() -> None:
    summary = index_paths([VELOMONDO], Settings(), kb="velomondo")
    assert summary.failed == []  # the yaml files beside the articles are not documents
    assert summary.catalog == {
        "source": str(VELOMONDO.resolve()),
        "intents": 5,
        "macros": 2,
        "actions": 3,
    }
    catalog = KnowledgeBase.open(Settings(), "velomondo").catalog
    assert catalog is not None
    assert {i["id"] for i in catalog.intents} == VELOMONDO_INTENTS
    assert {a.id for a in catalog.actions} == VELOMONDO_ACTIONS


def test_the_samples_articles_folder_gets_the_samples_catalogue() -> None:
    index_paths([SAMPLES_DIR / "articles"], Settings(), kb="sample")
    catalog = KnowledgeBase.open(Settings(), "sample").catalog
    assert catalog is not None and {a.id for a in catalog.actions} == SAMPLE_ACTION_IDS


def test_a_kb_without_catalogue_records_none() -> None:
    assert index_paths([LUMERIE], Settings(), kb="lumerie").catalog is None
    assert KnowledgeBase.open(Settings(), "lumerie").catalog is None


def test_a_catalogue_change_alone_is_recorded_and_its_removal_too(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(VELOMONDO, folder)
    index_paths([folder], Settings(), kb="bikes")
    (folder / "actions.yaml").unlink()
    summary = index_paths([folder], Settings(), kb="bikes")
    assert summary.added == summary.updated == 0  # no article changed
    catalog = KnowledgeBase.open(Settings(), "bikes").catalog
    assert catalog is not None and catalog.actions == () and len(catalog.intents) == 5
    for name in ("intents.yaml", "macros.yaml"):
        (folder / name).unlink()
    index_paths([folder], Settings(), kb="bikes")
    assert KnowledgeBase.open(Settings(), "bikes").catalog is None


def test_indexing_a_single_file_keeps_the_recorded_catalogue(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(VELOMONDO, folder)
    index_paths([folder], Settings(), kb="bikes")
    extra = tmp_path / "extra.md"
    extra.write_text(
        "---\nid: extra-en\ntitle: Opening hours\nlang: en\n---\n# Hours\nOpen 9 to 7.\n"
    )
    index_paths([extra], Settings(), kb="bikes")
    catalog = KnowledgeBase.open(Settings(), "bikes").catalog
    assert catalog is not None and len(catalog.actions) == 3


def test_stats_show_the_recorded_catalogue() -> None:
    index_paths([LUMERIE], Settings(), kb="lumerie")
    index_paths([VELOMONDO], Settings(), kb="velomondo")
    runner = CliRunner()
    plain = runner.invoke(cli, ["kb", "stats", "--kb", "lumerie"])
    assert plain.exit_code == 0 and "no actions" in plain.output
    as_json = runner.invoke(cli, ["kb", "stats", "--kb", "velomondo", "--json"])
    assert json.loads(as_json.output)["catalog"]["actions"] == 3


def test_a_malformed_intent_is_refused_at_index_time(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    shutil.copytree(LUMERIE, folder)
    (folder / "intents.yaml").write_text("- id: a\n  category: urgent\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["kb", "index", str(folder), "--kb", "bad"])
    assert result.exit_code != 0
    assert "intent #1 is malformed" in result.output and "Traceback" not in result.output


def test_assist_on_another_kb_uses_its_own_intents_actions_and_macros() -> None:
    index_paths([VELOMONDO], Settings(), kb="velomondo")
    session = build_session(kb_settings("velomondo"), "offline")
    seen_intents, seen_actions, macros = set(), set(), set()
    for turn in (
        "Is my bike still under warranty? The frame has a crack.",
        "Mon vélo est arrivé abîmé, le carton était écrasé",
        "I want to book a service for my bike",
    ):
        suggestion = session.customer_turn(turn)
        seen_intents.add(suggestion.route.intent)
        seen_actions |= {a.id for a in suggestion.actions}
        if suggestion.draft.macro_id:
            macros.add(suggestion.draft.macro_id)
        assert suggestion.action_catalogue
    assert seen_intents <= VELOMONDO_INTENTS
    assert not seen_intents & SAMPLE_INTENT_IDS
    assert seen_actions and seen_actions <= VELOMONDO_ACTIONS
    assert not seen_actions & SAMPLE_ACTION_IDS and not macros & SAMPLE_MACRO_IDS


def test_assist_on_a_kb_without_catalogue_routes_by_rules_and_says_there_are_no_actions(
    tmp_path: Path,
) -> None:
    index_paths([LUMERIE], Settings(), kb="lumerie")
    session = build_session(kb_settings("lumerie"), "offline")
    suggestion = session.customer_turn("How long is the warranty on my heat pump?")
    assert suggestion.route.intent == NO_INTENT
    assert suggestion.route.category is Category.SIMPLE_QUESTION
    assert suggestion.actions == [] and not suggestion.action_catalogue
    assert suggestion.draft.macro_id is None
    complaint = session.customer_turn("This is unacceptable, I want to make a formal complaint")
    assert complaint.route.category is Category.COMPLAINT  # the cue rules still route
    transcript = tmp_path / "t.jsonl"
    transcript.write_text(
        json.dumps({"role": "customer", "text": "How do I send my meter reading?"}) + "\n"
    )
    runner = CliRunner(env={"COPILOT_KB": "lumerie"})
    plain = runner.invoke(cli, ["assist", "--transcript", str(transcript), "--engine", "offline"])
    assert plain.exit_code == 0, plain.output
    assert "no action catalogue for this knowledge base" in plain.output
    as_json = runner.invoke(
        cli, ["assist", "--transcript", str(transcript), "--engine", "offline", "--json"]
    )
    first = json.loads(as_json.output.splitlines()[0])
    assert first["actions"] == [] and first["action_catalogue"] is False
    assert first["route"]["intent"] == NO_INTENT


@pytest.mark.parametrize("kb", ["velomondo", "lumerie"])
def test_classify_uses_the_configured_kbs_catalogue(kb: str) -> None:
    index_paths([OTHER / kb], Settings(), kb=kb)
    result = CliRunner(env={"COPILOT_KB": kb}).invoke(
        cli, ["classify", "--engine", "offline", "--json"], input="my bike arrived damaged\n"
    )
    assert result.exit_code == 0, result.output
    intent = json.loads(result.output)["intent"]
    expected = VELOMONDO_INTENTS if kb == "velomondo" else {NO_INTENT}
    assert intent in expected
