"""The screening step every indexing run applies to what the loaders read: documents that try to
give the assistant instructions are reported and kept out (unless allowed), and every kept
document loses its invisible Unicode. The indexer and the shipped sample vectors (which must
read the sample exactly as an index does) both use it."""

from __future__ import annotations

from dataclasses import replace

from knowledge_base.injection import describe, scan_document
from knowledge_base.loaders import LoadFailure, LoadReport
from knowledge_base.text_folding import strip_invisible


def source_file(source: str) -> str:
    """'path/file.jsonl:12' -> 'path/file.jsonl' (JSONL records carry their line)."""
    head, sep, tail = source.rpartition(":")
    return head if sep and tail.isdigit() else source


def screen(report: LoadReport, allow: bool) -> None:
    """Quarantine the documents with injection findings (unless `allow`) and clean the others,
    in place."""
    clean = []
    for doc in report.documents:
        findings = scan_document(doc.screened_text)
        if findings and not allow:
            report.failures.append(
                LoadFailure(
                    doc.source, f"quarantined: {describe(findings)} (index it anyway with --allow)"
                )
            )
            report.failed_sources.add(source_file(doc.source))  # a clean earlier version stays
        else:
            clean.append(
                replace(doc, title=strip_invisible(doc.title), text=strip_invisible(doc.text))
            )
    report.documents = clean
