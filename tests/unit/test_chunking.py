"""Chunking: heading paths, the token bound, and ids that only change with the content."""

from __future__ import annotations

from dataclasses import replace

from knowledge_base.chunking import approx_tokens, chunk_document
from knowledge_base.documents import Document


def _doc(text: str) -> Document:
    return Document(id="fees", title="Late fees", text=text, lang="en", source="x.md")


def test_heading_path_is_kept_and_title_not_repeated() -> None:
    doc = _doc(
        "# Late fees\nIntro.\n## Amounts\nFive euros.\n### Caps\nFifteen euros.\n## Waivers\nOnce."
    )
    chunks = chunk_document(doc)
    assert [(c.section, c.text) for c in chunks] == [
        ("", "Intro."),
        ("Amounts", "Five euros."),
        ("Amounts > Caps", "Fifteen euros."),
        ("Waivers", "Once."),
    ]
    assert chunks[2].embedding_text("Late fees") == "Late fees > Amounts > Caps\nFifteen euros."


def test_long_sections_are_bounded() -> None:
    paragraph = " ".join(
        f"Sentence number {i} explains a rule about instalments." for i in range(60)
    )
    doc = _doc(f"## Rules\n{paragraph}\n\n{paragraph}")
    chunks = chunk_document(doc, max_tokens=120)
    assert len(chunks) > 4
    assert all(approx_tokens(c.text) <= 120 for c in chunks)
    assert all(c.section == "Rules" for c in chunks)
    joined = " ".join(c.text for c in chunks)
    assert joined.count("Sentence number 59") == 2


def test_ids_are_stable_and_follow_content() -> None:
    doc = _doc("## A\nOne.\n## B\nTwo.")
    first = [c.id for c in chunk_document(doc)]
    assert first == [c.id for c in chunk_document(doc)]
    changed = [c.id for c in chunk_document(replace(doc, text="## A\nOne.\n## B\nTwo!"))]
    assert changed[0] == first[0] and changed[1] != first[1]
    assert all(cid.startswith("fees#") for cid in first)
