def test_a_value_given_once_is_found_again_without_its_cue() -> None:
    r = Redactor()
    r.redact("born on 12/03/1985")
    assert r.redact("yes, 12/03/1985 is right").text == "yes, <DOB_1> is right"
