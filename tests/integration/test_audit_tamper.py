"""The tamper suite (tests/audit_tamper.py) on SQLite and PostgreSQL: each case is noticed by
`copilot audit verify`, exit 2 and one line naming it, except the known limits the case list
states (those must still pass unnoticed, so the limit is not silently widened or narrowed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.audit_tamper import CASES, TamperCase, Target, run_case, seeded


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_server").create_database()
    return seeded(tmp_path / "data", url)


def test_an_untouched_store_is_intact(target: Target) -> None:
    code, said = target.copilot("audit", "verify", "--expect-head", target.exported_head)
    assert code == 0, said
    assert said.startswith("intact: 26 audit records, 26 records in ")
    assert "reaches the head file" in said and "and the expected head" in said


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_tampering_is_named_by_audit_verify(case: TamperCase, target: Target) -> None:
    detected, said = run_case(case, target)
    if target.backend not in case.detected_on:
        assert not detected, said
        return
    assert detected, said
    assert said.startswith("BROKEN: ") and len(said.splitlines()) == 1, said
    assert re.search(case.named, said), said
