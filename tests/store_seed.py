"""A small record store with known contents, for the report, export and supervisor tests.

Eight suggestions over two advisors (written now, so one day); the figures they must give were
worked out by hand and are written next to each row:

    #  advisor  category          decision                        edit words  latency
    1  alice    simple_question   accept                          0           100
    2  alice    simple_question   edit (2 words changed)          2           200
    3  alice    complaint         edit (12 words changed)         12          300
    4  alice    standard_proc.    reject "wrong article"          -           400
    5  bob      simple_question   regenerate "shorter"            -           500
    6  bob      simple_question   accept (the regenerated one)    0           600
    7  bob      sensitive_data    superseded (advisor moved on)   -           700
    8  bob      complaint         (undecided), abstained          -           800

decided = 6 (1-6); acceptance 2/6, edit 2/6, rejection 1/6, regeneration 1/6;
median edit distance over sent replies (0, 2, 12, 0) = 1.0; heavy edits (>= 10 words) = 1;
latency over all eight (100..800): p50 = 500, p95 = 800 (nearest rank, index round(q*7));
human-led = 3 (#3, #7, #8); KB gaps: #4 (rejected) and #8 (abstained).
"""

from __future__ import annotations

from typing import Any

from copilot.state import SUPERSEDED
from copilot.store import Store

TWELVE_NEW = "a b c d e f g h i j k l"
DRAFTS = {
    1: "Your late fee is 5 EUR [1].",
    2: "The grace period is 3 days [1].",
    3: "I understand your frustration about the fee [1].",
    4: "You can pause a payment once a year [1].",
    5: "A refund takes 5 to 10 days after the merchant confirms it, as described [1].",
    6: "A refund takes 5 to 10 days [1].",
    7: "Please confirm your identity [1].",
    8: "No policy found for this question.",
}
ROWS: list[dict[str, Any]] = [
    {
        "n": 1,
        "advisor": "alice",
        "day": 1,
        "category": "simple_question",
        "intent": "late_fee",
        "decision": ("accept", None, None),
    },
    {
        "n": 2,
        "advisor": "alice",
        "day": 1,
        "category": "simple_question",
        "intent": "grace",
        "decision": ("edit", "The grace period is three full days [1].", None),
    },
    {
        "n": 3,
        "advisor": "alice",
        "day": 1,
        "category": "complaint",
        "intent": "late_fee",
        "flags": ["churn_risk"],
        "decision": (
            "edit",
            f"I understand your frustration about the fee [1]. {TWELVE_NEW}",
            None,
        ),
    },
    {
        "n": 4,
        "advisor": "alice",
        "day": 2,
        "category": "standard_procedure",
        "intent": "pause_payment",
        "decision": ("reject", None, "wrong article"),
    },
    {
        "n": 5,
        "advisor": "bob",
        "day": 2,
        "category": "simple_question",
        "intent": "refund",
        "decision": ("regenerate", None, None),
    },
    {
        "n": 6,
        "advisor": "bob",
        "day": 2,
        "category": "simple_question",
        "intent": "refund",
        "decision": ("accept", None, None),
    },
    {
        "n": 7,
        "advisor": "bob",
        "day": 2,
        "category": "sensitive_data",
        "intent": "identity",
        "flags": ["fraud_suspected"],
        "decision": ("reject", None, SUPERSEDED),
    },
    {
        "n": 8,
        "advisor": "bob",
        "day": 2,
        "category": "complaint",
        "intent": "unknown_fee",
        "abstained": True,
        "decision": None,
    },
]


def seed(store: Store) -> dict[int, str]:
    """Write the eight suggestions; returns suggestion number -> id."""
    ids: dict[int, str] = {}
    transcripts: dict[str, list[dict[str, str]]] = {}
    for row in ROWS:
        n = row["n"]
        contact = store.start_contact(
            f"thread-{row['advisor']}-{row['day']}", row["advisor"], "offline", "sample g1"
        )
        transcript = transcripts.setdefault(contact, [])
        transcript.append({"role": "customer", "text": f"question {n}"})
        store.add_turns(contact, transcript, row["advisor"])
        payload = {
            "route": {
                "category": row["category"],
                "confidence": 0.9,
                "flags": row.get("flags", []),
                "intent": row["intent"],
                "language": "en",
                "sentiment": "neutral",
            },
            "draft": {
                "mode": "reply",
                "text": DRAFTS[n],
                "engine": "offline",
                "prompt_version": "offline-1",
                "unsupported": [],
                "unverified": [],
            },
            "cards": [
                {
                    "n": 1,
                    "chunk_id": f"doc-{n}#0",
                    "doc_id": f"doc-{n}",
                    "version": 1,
                    "effective_date": "2026-01-01",
                    "superseded": False,
                    "title": f"Article {n}",
                    "section": "Rules",
                    "lang": "en",
                }
            ],
            "actions": [],
            "abstained": row.get("abstained", False),
            "retrieval_confidence": 0.2 if row.get("abstained") else 0.9,
            "latency_ms": 100.0 * n,
            "turn": f"question {n}",
        }
        ids[n] = store.record_suggestion(contact, row["advisor"], payload, "sample g1")
        if row["decision"] is not None:
            kind, text, reason = row["decision"]
            final = DRAFTS[n] if kind == "accept" else text
            instruction = "shorter" if kind == "regenerate" else None
            store.record_decision(ids[n], row["advisor"], kind, final, reason, instruction)
    return ids
