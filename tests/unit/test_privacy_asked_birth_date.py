"""A date of birth given bare, in answer to a bot or an advisor who asked for it."""

from __future__ import annotations

import pytest

from copilot.privacy import Redactor


@pytest.mark.parametrize(
    ("question", "answer", "redacted"),
    [
        ("What is your date of birth, please?", "14/03/1986", "<DOB_1>"),
        ("Quelle est votre date de naissance ?", "c'est le 3 mai 1979", "c'est le <DOB_1>"),
        ("Can you confirm your DOB?", "March 14, 1986 thanks", "<DOB_1> thanks"),
        ("When were you born?", "1986-03-14", "<DOB_1>"),
        ("Votre date de naissance ?", "12/07/58", "<DOB_1>"),
    ],
)
def test_a_bare_date_answering_the_question_is_a_date_of_birth(
    question: str, answer: str, redacted: str
) -> None:
    redactor = Redactor()
    assert redactor.redact(question).text == question
    result = redactor.redact(answer)
    assert result.text == redacted
    assert [e.type for e in result.entities] == ["DOB"]


def test_a_recent_date_stays_a_date_even_after_the_question() -> None:
    redactor = Redactor()
    redactor.redact("What is your date of birth?")
    assert redactor.redact("I paid on 02/11/2026").text == "I paid on 02/11/2026"


def test_without_the_question_a_bare_date_is_not_a_birth_date() -> None:
    assert Redactor().redact("14/03/1986").text == "14/03/1986"


def test_the_question_covers_the_next_text_only() -> None:
    redactor = Redactor()
    redactor.redact("What is your date of birth?")
    redactor.redact("one moment, I am looking for my card")
    assert redactor.redact("14/03/1986").text == "14/03/1986"


def test_a_text_that_gives_the_date_itself_leaves_no_question() -> None:
    redactor = Redactor()
    assert redactor.redact("my date of birth is 14/03/1986").text == (
        "my date of birth is <DOB_1>"
    )
    assert redactor.redact("12/07/1958").text == "12/07/1958"


def test_the_question_survives_a_redactor_rebuilt_from_its_mapping() -> None:
    asked = Redactor()
    asked.redact("Quelle est votre date de naissance ?")
    rebuilt = Redactor(mapping=asked.mapping)
    assert rebuilt.redact("14/03/1986").text == "<DOB_1>"
    assert "14/03/1986" in rebuilt.mapping.values()
    assert rebuilt.restore("<DOB_1>") == "14/03/1986"
