"""The sentiment reading: the learned model's heads, the lexicon fallback, the trend, training.

Fast tests use hand-made weights or hashing vectors; the quoted failures of issue 14 are read
with the real e5 model and the shipped weights (marked `model`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from copilot.understanding.pipeline import SAMPLE_INTENTS, Understanding, load_intents
from copilot.understanding.routing import Route
from copilot.understanding.sentiment import (
    FEATURE_NAMES,
    FORMAT,
    MODEL_FILE,
    SentimentModel,
    SentimentReader,
    describe_feeling,
    lexicon_reading,
    sentiment_trend,
)
from copilot.understanding.sentiment_data import LabelledText, embed_queries, load_lender_turns
from copilot.understanding.sentiment_training import (
    feature_matrix,
    fit_model,
    inputs_digest,
    train_sentiment,
)
from knowledge_base.embeddings import HashEmbedder
from knowledge_base.errors import CopilotError

EXTRA = len(FEATURE_NAMES)


def hand_model(dim: int = 3, embedder: str = "toy") -> dict:
    """Dimension 0 pushes negative, 1 positive; dimension 2 pushes intensity and anger."""
    width = dim + EXTRA
    polarity = np.zeros((width, 3))
    polarity[0, 0], polarity[1, 2] = 8.0, 8.0
    intensity = np.zeros((width, 4))
    intensity[2, 3] = 10.0
    emotion = np.zeros((width, 6))
    emotion[2, 3] = 10.0  # angry
    emotion[0, 2] = 4.0  # mildly annoyed
    emotion[1, 1] = 4.0  # satisfied

    def head(labels: list[str], weights: np.ndarray) -> dict:
        bias = [1.0 if label in ("neutral", "calm", "0") else 0.0 for label in labels]
        return {"labels": labels, "weights": weights.tolist(), "bias": bias}

    return {
        "format": FORMAT,
        "embedder": embedder,
        "dim": dim,
        "heads": {
            "polarity": head(["negative", "neutral", "positive"], polarity),
            "intensity": head(["0", "1", "2", "3"], intensity),
            "emotion": head(
                ["calm", "satisfied", "mildly_annoyed", "angry", "distressed", "anxious"], emotion
            ),
        },
    }


# ------------------------------------------------------------------------- the model's heads
def test_heads_read_polarity_score_emotion_and_intensity() -> None:
    model = SentimentModel(hand_model())
    mild = model.read("the delivery date", np.asarray([1.0, 0.0, 0.0]))
    assert (mild.sentiment, mild.emotion, mild.source) == ("negative", "mildly_annoyed", "model")
    assert mild.score < -0.9 and 1 <= mild.intensity <= 2
    angry = model.read("the delivery date", np.asarray([1.0, 0.0, 1.0]))
    assert (angry.sentiment, angry.emotion, angry.intensity) == ("negative", "angry", 3)
    happy = model.read("the delivery date", np.asarray([0.0, 1.0, 0.0]))
    assert (happy.sentiment, happy.emotion) == ("positive", "satisfied")
    assert happy.score > 0.9
    calm = model.read("the delivery date", np.asarray([0.0, 0.0, 0.0]))
    assert (calm.sentiment, calm.emotion, calm.intensity) == ("neutral", "calm", 0)


def test_emotion_never_contradicts_the_polarity() -> None:
    model = SentimentModel(hand_model())
    # anger pushed hard, polarity positive: the emotion stays among the positive ones
    reading = model.read("ok", np.asarray([0.0, 1.0, 1.0]))
    assert (reading.sentiment, reading.emotion) == ("positive", "satisfied")


def test_model_file_problems_are_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CopilotError, match="format"):
        SentimentModel(hand_model() | {"format": 99})
    broken = hand_model()
    broken["heads"]["emotion"]["weights"] = [[0.0]]
    with pytest.raises(CopilotError, match="emotion"):
        SentimentModel(broken)
    path = tmp_path / "model.json"
    path.write_text("{not json")
    with pytest.raises(CopilotError, match="cannot be read"):
        SentimentModel.load(path)
    with pytest.raises(ValueError, match="3 dimensions"):
        SentimentModel(hand_model()).read("x", np.zeros(5))


# ------------------------------------------------------------------- fallback and trend
def test_hash_embeddings_fall_back_to_the_lexicon() -> None:
    understanding = Understanding(HashEmbedder(), load_intents(SAMPLE_INTENTS))
    assert understanding.sentiment.model is None
    route = understanding.understand("This is unacceptable, I am furious!!")
    assert route.sentiment == lexicon_reading("This is unacceptable, I am furious!!").sentiment
    assert (route.sentiment, route.emotion) == ("negative", "angry")
    assert route.intensity is not None and route.intensity >= 2


def test_a_model_is_used_only_with_its_own_embedder(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(hand_model(dim=64, embedder=HashEmbedder.name)))
    assert SentimentReader.for_embedder(HashEmbedder(), path).model is not None

    class OtherEmbedder(HashEmbedder):
        name = "hash:other"

    assert SentimentReader.for_embedder(OtherEmbedder(), path).model is None


def test_trend_follows_the_per_turn_scores_without_embedding_them_again(tmp_path: Path) -> None:
    class CountingEmbedder(HashEmbedder):
        calls = 0

        def embed_query(self, text: str):  # type: ignore[no-untyped-def]
            CountingEmbedder.calls += 1
            return super().embed_query(text)

    path = tmp_path / "model.json"
    path.write_text(json.dumps(hand_model(dim=64, embedder=HashEmbedder.name)))
    embedder = CountingEmbedder()
    reader = SentimentReader.for_embedder(embedder, path)
    first = reader.read("hello", embedder.embed_query("hello"))
    calls = CountingEmbedder.calls
    assert reader.score_of("hello") == first.score and CountingEmbedder.calls == calls
    reader.score_of("an earlier turn it never read")  # read once, through the embedder
    assert CountingEmbedder.calls == calls + 1


def test_trend_thresholds_and_mean() -> None:
    assert sentiment_trend(-0.6, [0.1, -0.1]) == "worsening"
    assert sentiment_trend(0.4, [-0.4, 0.0]) == "improving"
    assert sentiment_trend(0.1, [0.0]) == "stable"
    assert sentiment_trend(-1.0, []) == "stable"


def test_route_carries_emotion_and_intensity() -> None:
    base = {
        "category": "complaint",
        "confidence": 0.9,
        "intent": "complaint",
        "intent_confidence": 0.9,
        "language": "en",
        "sentiment": "negative",
        "sentiment_score": -0.8,
    }
    assert (Route(**base).emotion, Route(**base).intensity) == ("mildly_annoyed", 1)
    angry = Route(**base, emotion="angry", intensity=3)
    assert describe_feeling(angry.sentiment, angry.emotion, angry.intensity) == (
        "negative, angry (3/3)"
    )
    with pytest.raises(ValueError):
        Route(**base, intensity=4)
    assert describe_feeling("neutral", "calm", 0) == "neutral"


# ------------------------------------------------------------------------------ training
TINY_TURNS = [
    ("I was charged twice and nobody answers, this is a disgrace", "negative", 3, "angry"),
    ("Your bot understands nothing, I want my money back now", "negative", 3, "angry"),
    ("A bit annoying that the app logs me out every day", "negative", 1, "mildly_annoyed"),
    ("I lost my job and I can't pay the next instalment", "negative", 2, "distressed"),
    ("I'm worried the payment will fail again tomorrow", "negative", 2, "anxious"),
    ("When is my next instalment due?", "neutral", 0, "calm"),
    ("How do I change the card on my plan?", "neutral", 0, "calm"),
    ("Can I download a statement of my purchases?", "neutral", 0, "calm"),
    ("Thanks a lot, that is sorted now", "positive", 1, "satisfied"),
    ("Perfect, thank you for your help", "positive", 1, "satisfied"),
    ("C'est scandaleux, deux prélèvements pour la même commande", "negative", 3, "angry"),
    ("Un peu pénible de devoir tout ressaisir", "negative", 1, "mildly_annoyed"),
    ("Je suis inquiète pour l'échéance de demain", "negative", 2, "anxious"),
    ("Quand tombe ma prochaine échéance ?", "neutral", 0, "calm"),
    ("Comment changer ma carte ?", "neutral", 0, "calm"),
    ("Merci beaucoup, c'est parfait", "positive", 1, "satisfied"),
]
TINY_TWEETS = [
    ("worst service ever, never again", "negative", "en"),
    ("the match starts at 8 tonight", "neutral", "en"),
    ("loving this sunny day", "positive", "en"),
    ("quelle honte, encore en retard", "negative", "fr"),
    ("le train part à 9h", "neutral", "fr"),
    ("trop contente de mon nouveau téléphone", "positive", "fr"),
]


def write_tiny_inputs(folder: Path) -> tuple[Path, Path]:
    turns = folder / "turns.jsonl"
    turns.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"t{n}",
                    "text": t,
                    "lang": "fr" if n >= 10 else "en",
                    "sentiment": s,
                    "intensity": i,
                    "emotion": e,
                    "group": f"g{n}",
                }
            )
            + "\n"
            for n, (t, s, i, e) in enumerate(TINY_TURNS)
        )
    )
    eval_dir = folder / "eval"
    (eval_dir / "sentiment").mkdir(parents=True)
    (eval_dir / "sentiment" / "train.jsonl").write_text(
        "".join(
            json.dumps({"id": f"tw-{n}", "text": t, "label": s, "lang": lang}) + "\n"
            for n, (t, s, lang) in enumerate(TINY_TWEETS)
        )
    )
    return turns, eval_dir


def test_vectors_are_cached_text_by_text(tmp_path: Path) -> None:
    class CountingEmbedder(HashEmbedder):
        texts: list[str] = []

        def embed_query(self, text: str):  # type: ignore[no-untyped-def]
            CountingEmbedder.texts.append(text)
            return super().embed_query(text)

    first = embed_queries(CountingEmbedder(), ["a b", "c d", "e f"], tmp_path, "toy")
    assert sorted(CountingEmbedder.texts) == ["a b", "c d", "e f"]
    CountingEmbedder.texts.clear()
    again = embed_queries(CountingEmbedder(), ["e f", "g h", "a b"], tmp_path, "toy")
    assert CountingEmbedder.texts == ["g h"]  # only the new text is embedded
    assert np.array_equal(again[0], first[2]) and np.array_equal(again[2], first[0])
    assert [p.name for p in tmp_path.iterdir()] == ["hash-64-query-toy.npz"]


def test_training_on_precomputed_vectors_is_reproducible() -> None:
    examples = [LabelledText(t, "en", s, "lender", i, e) for t, s, i, e in TINY_TURNS]
    vectors = np.stack([HashEmbedder().embed_query(e.text) for e in examples])
    x = feature_matrix(examples, vectors)
    first = fit_model(examples, x, embedder_name="hash:64", seed=0)
    again = fit_model(examples, x, embedder_name="hash:64", seed=0)
    assert json.dumps(first) == json.dumps(again)
    model = SentimentModel(first)
    readings = [model.read(e.text, v) for e, v in zip(examples, vectors, strict=True)]
    right = sum(r.sentiment == e.sentiment for r, e in zip(readings, examples, strict=True))
    assert right >= 12  # it learned its own training rows, not a constant


def test_the_command_rebuilds_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copilot.cli import cli
    from copilot.cli import train as train_module

    turns, eval_dir = write_tiny_inputs(tmp_path)
    monkeypatch.setattr(train_module, "sentiment_embedder", HashEmbedder)
    direct = train_sentiment(
        HashEmbedder(), tmp_path / "direct", eval_dir=eval_dir, seed=0, lender_path=turns
    )
    result = CliRunner().invoke(
        cli,
        [
            "train",
            "sentiment",
            "--eval-dir",
            str(eval_dir),
            "--turns",
            str(turns),
            "--out",
            str(tmp_path / "cmd"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "tweets:en 3" in result.output and "lender:fr 6" in result.output
    built = (tmp_path / "cmd" / MODEL_FILE.name).read_bytes()
    assert built == direct.path.read_bytes()
    assert json.loads(built)["inputs"]["lender"] == inputs_digest(load_lender_turns(turns))

    alone = CliRunner().invoke(
        cli,
        [
            "train",
            "sentiment",
            "--eval-dir",
            str(tmp_path),
            "--turns",
            str(turns),
            "--out",
            str(tmp_path / "alone"),
        ],  # fmt: skip
    )
    assert alone.exit_code == 0, alone.output
    assert "lender turns alone" in alone.output and "tweets" not in alone.output.split("\n")[-3]
    missing = CliRunner().invoke(cli, ["train", "sentiment", "--eval-dir", str(tmp_path / "no")])
    assert missing.exit_code != 0 and "no such folder" in missing.output


def test_the_shipped_model_is_built_from_the_current_lender_turns() -> None:
    if not MODEL_FILE.is_file():
        pytest.skip("no shipped sentiment model")
    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert shipped["embedder"] == "e5:multilingual-e5-small"
    assert shipped["inputs"]["lender"] == inputs_digest(load_lender_turns()), (
        "turns.jsonl changed since the model was trained: run `copilot train sentiment`"
    )
    assert MODEL_FILE.stat().st_size < 1_000_000


# ------------------------------------------------------------------------ real model
@pytest.mark.model
@pytest.mark.parametrize(
    ("history", "text"),
    [
        (["I was charged twice for the same order"], "votre robot ne comprend rien"),
        ([], "the website is an utter disaster, I dread using it"),
    ],
)
def test_quoted_failures_read_negative_with_e5(history: list[str], text: str) -> None:
    from knowledge_base.embeddings import E5Embedder

    understanding = Understanding(E5Embedder(), load_intents(SAMPLE_INTENTS))
    assert understanding.sentiment.model is not None
    earlier = [{"role": "customer", "text": t} for t in history]
    route = understanding.understand(text, earlier)
    assert route.sentiment == "negative" and route.emotion != "calm"


@pytest.mark.model
def test_stolen_card_call_never_reads_positive_with_e5() -> None:
    from knowledge_base import SAMPLES_DIR
    from knowledge_base.embeddings import E5Embedder

    path = SAMPLES_DIR / "transcripts" / "carte-volee-fr.jsonl"
    turns = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    understanding = Understanding(E5Embedder(), load_intents(SAMPLE_INTENTS))
    history: list[dict] = []
    for turn in turns:
        if turn["role"] == "customer":
            route = understanding.understand(turn["text"], history)
            assert route.sentiment != "positive", turn["text"]
        history.append(turn)
    assert route.sentiment == "negative"  # "vraiment inquiète, c'est inadmissible"
