"""The routing metrics on hand-made cases, and `copilot eval routing` end to end (hash
embeddings: the learned model is not used, the metrics are what is checked)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from copilot.cli import cli
from copilot.cli import evaluate as _evaluate  # noqa: F401  (registers commands)
from copilot.evaluation.routing_eval import macro_f1, routing_metrics
from copilot.understanding.route_data import LabelledTurn, map_intent, read_turns
from copilot.understanding.routing import CATEGORIES, Category, Flag


@dataclass
class Pred:
    category: Category
    flags: list[Flag] = field(default_factory=list)
    sentiment: str = "neutral"

    @property
    def human_led(self) -> bool:
        return CATEGORIES[self.category].human_led


SQ, SP, CO, SD = (
    Category.SIMPLE_QUESTION,
    Category.STANDARD_PROCEDURE,
    Category.COMPLAINT,
    Category.SENSITIVE_DATA,
)


def test_human_led_recall_precision_and_ai_suitable_accuracy() -> None:
    turns = [
        LabelledTurn("a", category=CO),
        LabelledTurn("b", category=SD),
        LabelledTurn("c", category=SQ),
        LabelledTurn("d", category=SP),
        LabelledTurn("e", human_led=True),  # no category: counts for human-led only
    ]
    preds = [Pred(CO), Pred(SQ), Pred(SD), Pred(SP), Pred(Category.COMPLEX_PROBLEM)]
    report = routing_metrics(turns, preds)
    assert report["human_led"] == {"n": 3, "recall": 0.6667, "precision": 0.6667}
    assert report["ai_suitable"] == {"n": 2, "accuracy": 0.5}
    assert report["category_accuracy"] == 0.5  # over the 4 turns with a category
    assert report["per_category_recall"]["complaint"] == 1.0
    assert report["per_category_recall"]["sensitive_data"] == 0.0
    assert report["per_category_recall"]["personal_advice"] is None  # no such turn
    assert report["confusion"]["sensitive_data"]["simple_question"] == 1
    assert set(report["confusion"]) == {"complaint", "sensitive_data", "simple_question",
                                        "standard_procedure"}  # fmt: skip
    assert "flags" not in report and "sentiment" not in report


def test_flag_recall_and_precision_over_the_turns_that_carry_flags() -> None:
    turns = [
        LabelledTurn("a", flags=(Flag.FRAUD_SUSPECTED,)),
        LabelledTurn("b", flags=(Flag.FRAUD_SUSPECTED, Flag.LEGAL_THREAT)),
        LabelledTurn("c", flags=()),
        LabelledTurn("d"),  # flags unknown: not counted
    ]
    preds = [
        Pred(SD, [Flag.FRAUD_SUSPECTED]),
        Pred(SD, []),
        Pred(SQ, [Flag.FRAUD_SUSPECTED]),
        Pred(SQ, [Flag.FRAUD_SUSPECTED]),
    ]
    flags = routing_metrics(turns, preds)["flags"]
    assert flags["fraud_suspected"] == {"n": 2, "recall": 0.5, "precision": 0.5}
    assert flags["legal_threat"] == {"n": 1, "recall": 0.0, "precision": None}


def test_sentiment_accuracy_and_macro_f1() -> None:
    gold = ["negative", "negative", "neutral", "positive"]
    pred = ["negative", "neutral", "neutral", "negative"]
    # negative: p 1/2 r 1/2 -> 0.5; neutral: p 1/2 r 1 -> 0.667; positive: 0
    assert macro_f1(gold, pred, ("negative", "neutral", "positive")) == pytest.approx(0.3889, 1e-3)
    turns = [LabelledTurn(str(i), sentiment=g) for i, g in enumerate(gold)]
    report = routing_metrics(turns, [Pred(SQ, sentiment=p) for p in pred])
    assert report["sentiment"]["accuracy"] == 0.5
    assert report["sentiment"]["negative_recall"] == 0.5
    assert macro_f1([], [], ("negative",)) is None


def test_public_intents_map_to_the_documented_routes() -> None:
    assert map_intent("banking77", "card_payment_not_recognised") == (
        SD,
        (Flag.FRAUD_SUSPECTED,),
    )
    assert map_intent("banking77", "card_arrival") == (SQ, ())
    assert map_intent("banking77", "terminate_account") == (SP, (Flag.CHURN_RISK,))
    assert map_intent("banking77", "extra_charge_on_statement") is None
    assert map_intent("bitext", "contact_human_agent") == (
        Category.COMPLEX_PROBLEM,
        (Flag.ASKS_FOR_HUMAN,),
    )
    assert map_intent("bitext", "complaint") == (CO, ())


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_eval_routing_prints_every_measure_as_json(tmp_path: Path) -> None:
    data = _write(
        tmp_path / "turns.jsonl",
        [
            json.dumps(
                {
                    "text": "I want to make a formal complaint, this is unacceptable",
                    "category": "complaint",
                    "flags": [],
                    "sentiment": "negative",
                    "lang": "en",
                }
            ),  # fmt: skip
            json.dumps(
                {"text": "Quand tombe ma prochaine échéance ?", "human_led": False, "lang": "fr"}
            ),  # fmt: skip
            json.dumps(
                {
                    "text": "Someone used my card, I never made this payment",
                    "category": "sensitive_data",
                    "flags": ["fraud_suspected"],
                }
            ),  # fmt: skip
        ],
    )
    result = CliRunner().invoke(cli, ["eval", "routing", "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["n"] == 3 and report["human_led"]["n"] == 2
    assert {"p50", "p95"} <= set(report["latency_ms"])
    assert set(report["by_language"]) == {"en", "fr"}
    assert report["flags"]["fraud_suspected"]["n"] == 1
    assert report["sentiment"]["n"] == 1
    assert report["learned_model"] is None  # hash embeddings: the e5 model does not apply
    table = CliRunner().invoke(cli, ["eval", "routing", "--data", str(data)])
    assert table.exit_code == 0 and "human-led recall" in table.output


def test_eval_routing_reads_the_public_csv_forms(tmp_path: Path) -> None:
    banking = _write(
        tmp_path / "b77.csv",
        [
            "text,category",
            "I think someone has used my card,compromised_card",
            "When will my card arrive?,card_arrival",
        ],  # fmt: skip
    )
    turns = read_turns(banking)
    assert [t.category for t in turns] == [SD, SQ] and turns[0].flags == (Flag.FRAUD_SUSPECTED,)
    bitext = _write(
        tmp_path / "bitext.csv",
        ["utterance,category,intent,flags", "i want a human,CONTACT,contact_human_agent,B"],
    )
    assert read_turns(bitext)[0].led is True


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["{not json"], "turns.jsonl:1: not JSON"),
        ([json.dumps({"category": "complaint"})], 'non-empty "text"'),
        ([json.dumps({"text": "hi", "category": "nonsense"})], "'nonsense' is not a valid"),
        ([json.dumps({"text": "hi", "human_led": "yes"})], '"human_led" must be true or false'),
        ([], "no turns in the file"),
    ],
)
def test_eval_routing_reports_a_bad_file_in_one_line(
    tmp_path: Path, lines: list[str], message: str
) -> None:
    data = _write(tmp_path / "turns.jsonl", lines)
    result = CliRunner().invoke(cli, ["eval", "routing", "--data", str(data)])
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and message in result.output
    assert "Traceback" not in result.output
