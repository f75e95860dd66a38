"""Rebuild the int8 e5 graph's calibration (knowledge_base/shipped/e5-int8-calibration.npz).

Runs the encoder in fp32 numpy over the repository's own texts: every chunk of the sample
articles and of the two other sample companies (passages), the lender turns written for the
understanding models and the sample questions (queries), and keeps each linear layer's
per-feature input maxima. No shared evaluation text is used, so OR-ShARC stays a held-out check
of the vectors (benchmarks/bench_embeddings.py). About 3 minutes on two cores.

    PYTHONPATH=. python benchmarks/calibrate_e5_int8.py
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge_base import SAMPLES_DIR  # noqa: E402
from knowledge_base.e5_calibration import SHIPPED_CALIBRATION, calibrate  # noqa: E402
from knowledge_base.settings import KnowledgeBaseSettings  # noqa: E402
from knowledge_base.shipped_vectors import embedding_texts  # noqa: E402

OTHER_SAMPLES = ROOT / "knowledge_base" / "samples_other"
TURNS = ROOT / "copilot" / "understanding" / "data" / "turns.jsonl"


def calibration_texts() -> tuple[list[str], list[str]]:
    max_tokens = KnowledgeBaseSettings().chunk_max_tokens
    passages = embedding_texts(
        [SAMPLES_DIR / "articles", OTHER_SAMPLES / "velomondo", OTHER_SAMPLES / "lumerie"],
        max_tokens,
    )
    queries = [json.loads(line)["text"] for line in TURNS.read_text("utf-8").splitlines()]
    for questions in (SAMPLES_DIR / "questions.jsonl", OTHER_SAMPLES / "questions.jsonl"):
        queries += [json.loads(line)["query"] for line in questions.read_text("utf-8").splitlines()]
    return passages, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SHIPPED_CALIBRATION)
    args = parser.parse_args()
    passages, queries = calibration_texts()
    started = time.perf_counter()
    maxima = calibrate(passages, queries)
    np.savez_compressed(args.out, **maxima)
    took = time.perf_counter() - started
    print(
        f"{len(passages)} passages + {len(queries)} queries in {took:.0f} s"
        f" -> {args.out} ({args.out.stat().st_size / 1e3:.0f} kB)"
    )


if __name__ == "__main__":
    main()
