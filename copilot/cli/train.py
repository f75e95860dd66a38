"""`copilot train ...`: rebuild the shipped model files from their training data, reproducibly."""

from __future__ import annotations

from pathlib import Path

import click

from copilot.cli import cli, reports_errors, stdout
from copilot.understanding.route_data import REPO_ROOT

DEFAULT_EVAL_DIR = REPO_ROOT.parent / "shared" / "eval"


@cli.group("train")
def train_group() -> None:
    """Train the learned understanding models (written as package data)."""


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
    from copilot.understanding.route_model import MODEL_DIR
    from knowledge_base.embeddings import E5Embedder

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
