"""Offline indexing of the policy knowledge base.

Loads policy documents (Markdown with front matter, text, HTML, PDF, JSONL exports), cuts them
into heading-aware chunks, embeds them with the multilingual e5 model (or an OpenAI-compatible
endpoint) and keeps them in Chroma next to a BM25 lexical index. Nothing here imports the agent
(`copilot`) or the terminal UI (`textual`).
"""

from pathlib import Path

from knowledge_base.errors import KnowledgeBaseError

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
"""The bundled sample knowledge base of the fictional lender Orvane."""

__all__ = ["SAMPLES_DIR", "KnowledgeBaseError"]
