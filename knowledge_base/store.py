"""Where the index lives: the Chroma client, the per-KB manifest, and opening a KB for reading.

A knowledge base is a *generation*: one Chroma collection plus the BM25 index built from the same
chunks. The manifest (a record in the `copilot-manifest` collection, so a Chroma server shares it
with every reader) names the live generation. The indexer builds a new generation aside and
switches by rewriting the manifest in one write, so readers never see a half-built index.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import httpx
import numpy as np
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError

from knowledge_base.atomic import load_array_or_none
from knowledge_base.catalog import Catalog, recorded_catalog
from knowledge_base.chunk_texts import ChunkTexts
from knowledge_base.embeddings import CopilotEmbeddingFunction, Embedder
from knowledge_base.errors import KnowledgeBaseError, NotIndexedError
from knowledge_base.lexical import LexicalIndex
from knowledge_base.locks import held_lock
from knowledge_base.settings import KnowledgeBaseSettings

MANIFEST_COLLECTION = "copilot-manifest"
_KB_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}$")


def check_kb_name(name: str) -> str:
    if not _KB_NAME.match(name):
        raise KnowledgeBaseError(
            f"invalid knowledge base name '{name}': lower-case letters, digits, - and _ only"
        )
    return name


def collection_name(kb: str, generation: int) -> str:
    return f"kb-{kb}-g{generation:06d}"


def is_generation_of(kb: str, name: str) -> bool:
    """Whether `name` is a generation of KB `kb` exactly (its collection or lexical folder, or
    the `.<pid>.tmp` folder of a sidecar being written): never one of KB `<kb>-g2` or
    `<kb>-germany`, whose names merely start the same way."""
    pattern = rf"kb-{re.escape(kb)}-g[0-9]{{6,}}(?:(?:\.[0-9]+)?\.tmp)?"
    return re.fullmatch(pattern, name) is not None


def open_client(settings: KnowledgeBaseSettings) -> Any:
    """A Chroma client: the server at `chroma_url` if set, else the embedded store."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not settings.chroma_url:
        data_dir = settings.writable_data_dir()
        path = data_dir / "chroma"
        path.mkdir(exist_ok=True)
        # Processes opening a fresh store at once would each create its tables ("table
        # collections already exists"): they open it one after the other.
        with held_lock(
            data_dir / ".chroma-open.lock",
            settings.index_wait_s,
            f"the Chroma store at {path} is busy",
        ):
            try:
                return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
            except Exception as exc:
                raise KnowledgeBaseError(f"cannot open the Chroma store at {path}: {exc}") from exc
    url = urlparse(settings.chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise KnowledgeBaseError(f"invalid COPILOT_CHROMA_URL '{settings.chroma_url}'")
    port = url.port or (443 if url.scheme == "https" else 8000)
    try:
        httpx.get(
            f"{url.scheme}://{url.hostname}:{port}/api/v2/heartbeat",
            timeout=settings.chroma_timeout_s,
        ).raise_for_status()
        client = chromadb.HttpClient(
            host=url.hostname, port=port, ssl=url.scheme == "https", settings=chroma_settings
        )
    except Exception as exc:
        raise KnowledgeBaseError(
            f"cannot reach the Chroma server at {settings.chroma_url}: {exc}"
        ) from exc
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):  # the client ships without a timeout: never hang
        session.timeout = httpx.Timeout(settings.chroma_timeout_s * 6)
    return client


def _manifest_collection(client: Any, create: bool) -> Any:
    # The hash function is never called here (records carry explicit vectors); naming it keeps
    # Chroma from configuring its downloading default for this collection.
    ef = CopilotEmbeddingFunction(provider="hash")
    if create:
        return client.get_or_create_collection(MANIFEST_COLLECTION, embedding_function=ef)
    return client.get_collection(MANIFEST_COLLECTION, embedding_function=ef)


def read_manifest(client: Any, kb: str) -> dict[str, Any] | None:
    """The manifest of `kb`, or None when it was never indexed. A reader never creates the
    manifest collection: only an indexing run (holding its lock) writes to the store."""
    try:
        manifests = _manifest_collection(client, create=False)
    except NotFoundError:
        return None
    got = manifests.get(ids=[kb], include=["documents"])
    if not got["ids"]:
        return None
    return json.loads(got["documents"][0])


def write_manifest(client: Any, kb: str, manifest: dict[str, Any]) -> None:
    """The switch: one upsert makes a new generation live."""
    _manifest_collection(client, create=True).upsert(
        ids=[kb], documents=[json.dumps(manifest, ensure_ascii=False)], embeddings=[[1.0]]
    )


def lexical_dir(settings: KnowledgeBaseSettings, coll_name: str) -> Path:
    return settings.data_dir / "lexical" / coll_name


def remove_lexical(settings: KnowledgeBaseSettings, coll_name: str) -> None:
    shutil.rmtree(lexical_dir(settings, coll_name), ignore_errors=True)


def lexical_text(title: str, section: str, text: str) -> str:
    """What BM25 reads for a chunk: title and heading path weigh in like the body."""
    return f"{title}\n{section}\n{text}"


@dataclass
class KnowledgeBase:
    """A live generation opened for reading: vectors, lexical index and metadata."""

    name: str
    manifest: dict[str, Any]
    collection: Any
    lexical: LexicalIndex
    vectors: np.ndarray
    """Unit-length chunk vectors, rows aligned with `lexical.ids`: exact cosine in memory."""
    embedder: Embedder
    texts: ChunkTexts | None = None
    """Chunk texts by row (None when the sidecar could not be written: ask Chroma)."""

    @classmethod
    def open(
        cls, settings: KnowledgeBaseSettings, name: str | None = None, client: Any = None
    ) -> KnowledgeBase:
        kb = check_kb_name(name or settings.kb)
        client = client or open_client(settings)
        manifest = read_manifest(client, kb)
        if manifest is None:
            raise NotIndexedError(
                f"knowledge base '{kb}' is not indexed yet: run `copilot kb index PATH --kb {kb}`"
            )
        ef = CopilotEmbeddingFunction.build_from_config(manifest["embedder"])
        try:
            collection = client.get_collection(manifest["collection"], embedding_function=ef)
        except Exception as exc:
            raise KnowledgeBaseError(
                f"knowledge base '{kb}' points at a missing collection {manifest['collection']}: "
                f"re-index it with `copilot kb index PATH --kb {kb} --full`"
            ) from exc
        lexical, vectors, texts = load_or_rebuild_sidecar(settings, collection)
        return cls(kb, manifest, collection, lexical, vectors, ef.embedder, texts)

    @property
    def count(self) -> int:
        return int(self.manifest.get("chunks", 0))

    @property
    def catalog(self) -> Catalog | None:
        """This KB's own intents, macros and actions, as recorded at index time (None: none)."""
        return recorded_catalog(self.manifest)


def save_sidecar(
    directory: Path, lexical: LexicalIndex, vectors: np.ndarray, texts: Sequence[str]
) -> None:
    """Write a generation's BM25 index, vector matrix and chunk texts into a folder of their
    own, then move it in place: a reader finds the whole sidecar or none (and then rebuilds it).
    Two readers rebuilding the same sidecar each write their own folder; the first one wins."""
    tmp = directory.with_name(f"{directory.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        lexical.save(tmp)
        np.save(tmp / "vectors.npy", unit_rows(vectors))
        ChunkTexts.save(tmp, texts)
        if directory.exists():  # a damaged sidecar being rebuilt
            shutil.rmtree(directory, ignore_errors=True)
        try:
            tmp.rename(directory)
        except OSError:
            if not directory.is_dir():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def unit_rows(vectors: Any) -> np.ndarray:
    """float32 rows scaled to unit length (cosine becomes a dot product)."""
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim != 2:
        return np.zeros((0, 0), dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


Sidecar = tuple[LexicalIndex, np.ndarray, ChunkTexts | None]
"""A generation's BM25 index, unit vectors and chunk texts, rows aligned."""


def _load_sidecar(directory: Path) -> Sidecar | None:
    """The saved sidecar, or None when a part is missing, unreadable or not matching."""
    vectors = load_array_or_none(directory / "vectors.npy")
    if vectors is None:
        return None
    try:
        lexical = LexicalIndex.load(directory)
    except (OSError, ValueError, KeyError, TypeError, EOFError):  # json, numpy, bm25s errors
        return None
    if len(lexical.ids) != len(lexical.catalog) or len(vectors) not in (0, len(lexical.ids)):
        return None
    texts = ChunkTexts.load(directory, len(lexical.ids))
    return None if texts is None else (lexical, vectors, texts)


def load_or_rebuild_sidecar(settings: KnowledgeBaseSettings, collection: Any) -> Sidecar:
    """Load the sidecar of this generation, or rebuild it from the collection itself (a reader
    on another machine than the indexer, with a Chroma server; a generation indexed before
    chunk texts were kept; a damaged file)."""
    directory = lexical_dir(settings, collection.name)
    saved = _load_sidecar(directory)
    if saved is not None:
        return saved
    got = collection.get(include=["documents", "metadatas", "embeddings"])
    metas = got["metadatas"] or []
    texts = [
        lexical_text(m.get("title", ""), m.get("section", ""), d)
        for m, d in zip(metas, got["documents"] or [], strict=True)
    ]
    index = LexicalIndex.build(got["ids"], texts, metas)
    embeddings = got["embeddings"]
    has_vectors = embeddings is not None and len(embeddings) > 0
    vectors = unit_rows(embeddings) if has_vectors else np.zeros((0, 0), dtype=np.float32)
    save_sidecar(directory, index, vectors, got["documents"] or [])
    return index, vectors, ChunkTexts.load(directory, len(index.ids))
