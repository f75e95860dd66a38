"""Loaders: every format, encodings, and each kind of bad input failing alone with one line."""

from __future__ import annotations

import json
from pathlib import Path

from knowledge_base.loaders import decode_text, load_paths
from tests.conftest import write_article
from tests.pdf_samples import encrypted_pdf, text_pdf


def test_markdown_front_matter_is_parsed(tmp_path: Path) -> None:
    write_article(
        tmp_path,
        "late-fees-en",
        "## Caps\nCapped at 15 euros.",
        version=3,
        extra="supersedes: late-fees-en-v2\ntopic: late-fees\nintents: [late_fee]\n",
    )
    report = load_paths([tmp_path])
    assert report.failures == []
    (doc,) = report.documents
    assert (doc.id, doc.lang, doc.version, doc.supersedes) == (
        "late-fees-en",
        "en",
        3,
        "late-fees-en-v2",
    )
    assert doc.effective_date is not None and doc.effective_date.isoformat() == "2026-01-01"
    assert doc.intents == ("late_fee",) and doc.topic == "late-fees"
    assert doc.text.startswith("# Late Fees En")


def test_latin1_french_text_is_decoded(tmp_path: Path) -> None:
    text = "Les frais de retard sont plafonnés à 15 €. Année, déjà, où."
    (tmp_path / "frais.txt").write_bytes(text.encode("cp1252"))
    (doc,) = load_paths([tmp_path]).documents
    assert doc.text == text
    assert doc.lang == "fr"
    assert decode_text("café".encode("latin-1")) == "café"


def test_html_keeps_headings_and_drops_scripts(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<html lang='fr-FR'><head><title>Cartes</title><script>var x=1;</script></head>"
        "<body><h1>Carte perdue</h1><p>Bloquez la carte.</p><h2>Délais</h2><p>Sous 24 h.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    (doc,) = load_paths([tmp_path]).documents
    assert doc.title == "Cartes" and doc.lang == "fr"
    assert "# Carte perdue" in doc.text and "## Délais" in doc.text
    assert "var x" not in doc.text


def test_pdf_text_is_extracted(tmp_path: Path) -> None:
    (tmp_path / "policy.pdf").write_bytes(text_pdf("Refunds are credited within 5 days."))
    (doc,) = load_paths([tmp_path]).documents
    assert "Refunds are credited within 5 days." in doc.text


def test_jsonl_bulk_import_fails_bad_lines_alone(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "title": "Refunds", "text": "Refunds take 5 days.", "lang": "en"}),
        "{not json",
        json.dumps({"id": "b", "text": ""}),
        json.dumps({"id": "c", "text": "Remboursement sous 5 jours.", "product": "pay_in_4"}),
    ]
    (tmp_path / "export.jsonl").write_text("\n".join(lines), encoding="utf-8")
    report = load_paths([tmp_path])
    assert sorted(d.id for d in report.documents) == ["a", "c"]
    assert {d.id: d.lang for d in report.documents}["c"] == "fr"
    errors = {f.path.rsplit(":", 1)[1]: f.error for f in report.failures}
    assert errors["2"].startswith("invalid JSON") and "text" in errors["3"]


def test_each_bad_input_gets_one_clear_line(tmp_path: Path) -> None:
    write_article(tmp_path, "good", "Some policy text.")
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "bad-front.md").write_text("---\nid: [unclosed\n---\nBody\n")
    (tmp_path / "bad-audience.md").write_text("---\nid: x\nlang: en\naudience: public\n---\nBody\n")
    (tmp_path / "corrupt.pdf").write_bytes(b"%PDF-1.4\n garbage garbage \n%%EOF")
    (tmp_path / "locked.pdf").write_bytes(encrypted_pdf("secret policy"))
    with (tmp_path / "huge.txt").open("wb") as handle:  # 50 MB of text
        handle.write(b"late fees are capped. " * (50_000_000 // 22))
    report = load_paths([tmp_path], max_bytes=10_000_000)
    assert [d.id for d in report.documents] == ["good"]
    errors = {Path(f.path).name: f.error for f in report.failures}
    assert errors["empty.md"] == "empty file"
    assert errors["blob.txt"] == "binary file, not text"
    assert errors["notes.docx"].startswith("unsupported file type '.docx'")
    assert errors["bad-front.md"].startswith("invalid front matter")
    assert "audience 'public'" in errors["bad-audience.md"]
    assert errors["corrupt.pdf"].startswith("corrupt PDF")
    assert errors["locked.pdf"] == "encrypted PDF (password protected)"
    assert errors["huge.txt"].startswith("file too large: 50.0 MB")
    assert all("\n" not in error for error in errors.values())


def test_duplicate_ids_keep_the_first(tmp_path: Path) -> None:
    write_article(tmp_path / "a", "refunds", "First.")
    write_article(tmp_path / "b", "refunds", "Second.")
    report = load_paths([tmp_path])
    assert len(report.documents) == 1 and report.documents[0].text.endswith("First.")
    (failure,) = report.failures
    assert "duplicate id 'refunds'" in failure.error


def test_missing_path_is_reported(tmp_path: Path) -> None:
    report = load_paths([tmp_path / "nope"])
    assert report.failures[0].error == "no such file or directory"
