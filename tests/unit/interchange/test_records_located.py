"""A label is put before a domain message once, never twice."""

import pytest

from likeness.errors import InvalidInputError
from likeness.interchange.records import build_checked, located


def test_a_message_that_names_its_record_is_not_prefixed_again():
    assert located("consent C4", "consent C4: given_by is empty") == (
        "consent C4: given_by is empty"
    )


def test_a_message_naming_a_record_more_precisely_than_the_label_keeps_its_words():
    assert located("consent request", "consent request R1: uses ['x']") == (
        "consent request R1: uses ['x']"
    )


def test_a_position_label_is_put_before_the_message():
    assert located("consents[2]", "consent C4: given_by is empty") == (
        "consents[2]: consent C4: given_by is empty"
    )


def test_build_checked_names_the_record_once():
    def broken() -> None:
        raise ValueError("performer P1: died 1980-01-01 is before born 1990-01-01")

    with pytest.raises(InvalidInputError, match=r"^performer P1: died 1980-01-01 is before born"):
        build_checked("performer P1", broken)
