"""`copilot train ...`: rebuild the shipped understanding models (sentiment, routing) from their
labelled data, reproducibly (fixed seed: same inputs, same files)."""

from __future__ import annotations

from pathlib import Path

import click

import copilot
from copilot.cli import cli, reports_errors, stdout
from copilot.config import Settings

REPO_ROOT = Path(copilot.__file__).resolve().parents[1]
DEFAULT_EVAL_DIR = REPO_ROOT.parent / "shared" / "eval"
"""`../shared/eval` beside the repository: where the shared evaluation sets live."""


@cli.group("train")
def train_group() -> None:
    """Rebuild the shipped understanding models (fixed seed: same inputs, same files)."""


def sentiment_embedder() -> object:
    """The embedder the sentiment model is trained on: the e5 model the copilot ships with."""
    from knowledge_base.embeddings import E5Embedder

    return E5Embedder()


@train_group.command("sentiment")
@click.option(
    "--eval-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help=f"Shared evaluation sets (sentiment/train.jsonl). [default: {DEFAULT_EVAL_DIR}]",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where to write sentiment-e5.json. [default: the package's own data folder]",
)
@click.option(
    "--turns",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Labelled customer turns (JSON lines). [default: the package's own turns.jsonl]",
)
@click.option("--seed", default=0, show_default=True, type=int)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where the e5 vectors of the training texts are cached. [default: DATA_DIR/cache]",
)
@reports_errors
def sentiment_cmd(
    eval_dir: Path | None,
    out: Path | None,
    turns: Path | None,
    seed: int,
    cache_dir: Path | None,
) -> None:
    """Train the sentiment model (polarity, intensity, emotion) on the e5 query vectors."""
    from copilot.understanding.sentiment import MODEL_FILE
    from copilot.understanding.sentiment_data import LENDER_TURNS, shared_tweets_path
    from copilot.understanding.sentiment_training import train_sentiment

    if eval_dir is not None and not eval_dir.is_dir():
        raise click.BadParameter(f"{eval_dir}: no such folder", param_hint="--eval-dir")
    shared = eval_dir or DEFAULT_EVAL_DIR
    if not shared_tweets_path(shared).is_file():
        _keep_the_shipped_model(out, shared_tweets_path(shared), MODEL_FILE)
        click.echo(
            f"{shared_tweets_path(shared)} not found: training on the repository's lender "
            "turns alone",
            err=True,
        )
    run = train_sentiment(
        sentiment_embedder(),
        out or MODEL_FILE.parent,
        eval_dir=shared,
        seed=seed,
        cache_dir=cache_dir or Settings().data_dir / "cache",
        lender_path=turns or LENDER_TURNS,
        progress=True,
    )
    sources = ", ".join(f"{k} {v}" for k, v in run.trained_on.items())
    click.echo(f"trained on {sources} (seed {seed})")
    click.echo(f"wrote {run.path}")


@train_group.command("routing")
@click.option(
    "--eval-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_EVAL_DIR,
    show_default="../shared/eval",
    help="Public sets (banking77/, bitext_cs/); trained on the repository data alone if absent.",
)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Model directory.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Keep the embeddings of the training sets here (default: the data dir's cache).",
)
@reports_errors
def routing_cmd(eval_dir: Path, out: Path | None, seed: int, cache_dir: Path | None) -> None:
    """Learned routing heads (categories, human-led, flags) on e5 query vectors."""
    from copilot.config import Settings
    from copilot.understanding import route_training
    from copilot.understanding.route_data import PUBLIC_SETS
    from copilot.understanding.route_model import MODEL_DIR
    from knowledge_base.embeddings import E5Embedder

    absent = [eval_dir / name for name in PUBLIC_SETS.values() if not (eval_dir / name).is_file()]
    if absent:
        _keep_the_shipped_model(out, absent[0], MODEL_DIR)
    if not eval_dir.is_dir():
        stdout.print(f"{eval_dir} not found: training on the repository's own turns alone")
    embedder = E5Embedder()
    cache = cache_dir or Settings().data_dir / "cache"
    data, missing = route_training.training_set(
        embedder, eval_dir if eval_dir.is_dir() else None, cache, seed
    )
    for path in missing:
        stdout.print(f"{path} not found: trained without it")
    arrays, meta = route_training.train(data, embedder.name, seed=seed)
    target = out or MODEL_DIR
    route_training.save(target, arrays, meta)
    for name, source in meta["sources"].items():
        stdout.print(f"{name}: {source['rows']} turns")
    chosen = meta["cross_validated"][meta["human_led_source"]]
    stdout.print(
        f"human-led from the {meta['human_led_source']} head, threshold "
        f"{meta['thresholds']['human_led']}: cross-validated human-led recall "
        f"{chosen['human_led_recall']}, AI-suitable accuracy {chosen['ai_suitable_accuracy']}"
    )
    stdout.print(f"written to {target}")


def _keep_the_shipped_model(out: Path | None, missing: Path, shipped: Path) -> None:
    """Trained on the repository's turns alone, a model is weaker than the shipped one (trained
    with the public sets too): it is written only where `--out` says, never over the shipped
    files by default."""
    if out is None:
        raise click.UsageError(
            f"{missing} not found: a model trained without the public sets would replace the "
            f"shipped {shipped.name} with a weaker one; give --eval-dir, or --out DIR to write "
            "it elsewhere"
        )
