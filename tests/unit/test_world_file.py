import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given

from likeness.errors import InvalidInputError, RecordInvalidError
from likeness.interchange.documents import dump_document, parse_document
from likeness.interchange.world import parse_world, world_to_document
from tests.strategies import worlds

WORLD = """
agreement: sag-aftra-tv-theatrical-2023
performers:
  - {id: P1, name: Dana Ruiz, category: background, born: 1990-04-02, weekly_salary: 1500.50}
producers: [{id: S1, name: Studio One}]
productions: [{id: F1, title: Harbor Lights, producer: S1, kind: theatrical}]
replicas: [{id: D1, performer: P1, kind: employment-based, media: [face], made_in: F1}]
"""


def test_yaml_fractions_load_as_exact_decimals():
    world = parse_world(parse_document(WORLD))
    assert world.performers["P1"].weekly_salary == Decimal("1500.50")


def test_productions_take_the_scenario_agreement_when_they_name_none():
    world = parse_world(parse_document(WORLD))
    assert world.productions["F1"].agreement == "sag-aftra-tv-theatrical-2023"


def test_a_malformed_date_names_record_field_value_and_expectation():
    doc = parse_document(WORLD.replace("1990-04-02", "1990-13-02"))
    with pytest.raises(RecordInvalidError) as info:
        parse_world(doc)
    assert str(info.value) == "performer P1: born '1990-13-02' (expected a date as YYYY-MM-DD)"


def test_an_unknown_category_lists_the_allowed_ones():
    doc = parse_document(WORLD.replace("background", "extra"))
    with pytest.raises(
        RecordInvalidError, match=r"performer P1: category 'extra' \(expected one of"
    ):
        parse_world(doc)


def test_a_misspelled_key_is_an_error_not_ignored():
    doc = parse_document(WORLD.replace("made_in: F1", "made_inn: F1"))
    with pytest.raises(RecordInvalidError, match=r"replica D1: made_inn 'F1' .*no such key"):
        parse_world(doc)


def test_a_duplicate_id_is_refused():
    doc = parse_document(WORLD)
    doc["producers"].append({"id": "S1", "name": "Again"})
    with pytest.raises(RecordInvalidError, match="producer S1: id 'S1'"):
        parse_world(doc)


def test_a_reference_to_an_unknown_performer_is_refused():
    doc = parse_document(WORLD.replace("performer: P1", "performer: P9"))
    with pytest.raises(
        RecordInvalidError, match=r"replica D1: performer 'P9' \(expected the id of a performer\)"
    ):
        parse_world(doc)


def test_a_reference_to_an_unknown_producer_is_refused():
    doc = parse_document(WORLD.replace("producer: S1", "producer: S7"))
    with pytest.raises(RecordInvalidError, match="production F1: producer 'S7'"):
        parse_world(doc)


def test_references_may_name_what_is_already_known():
    known = parse_world(parse_document(WORLD))
    extra = {
        "replicas": [
            {"id": "D2", "performer": "P1", "kind": "independently-created", "media": ["voice"]}
        ]
    }
    assert list(parse_world(extra, known=known).replicas) == ["D2"]


def test_a_record_that_is_not_a_mapping_is_refused():
    with pytest.raises(RecordInvalidError, match=r"performers\[0\]: record 'P1'"):
        parse_world({"performers": ["P1"]})


def test_an_unknown_agreement_is_refused():
    with pytest.raises(RecordInvalidError, match="scenario: agreement 'sag-1999'"):
        parse_world({"agreement": "sag-1999"})


def test_broken_yaml_names_the_line():
    with pytest.raises(InvalidInputError, match="line 3, column 1"):
        parse_document("a: 1\nb: [unclosed\n")


def test_a_top_level_list_is_refused():
    with pytest.raises(InvalidInputError, match="expected a mapping"):
        parse_document("- 1\n- 2\n")


def test_missing_required_field_is_named():
    with pytest.raises(RecordInvalidError, match=r"performer P1: born missing \(expected a value"):
        parse_world({"performers": [{"id": "P1", "name": "X", "category": "voice"}]})


@given(worlds())
def test_a_world_survives_a_round_trip_through_its_file_format(world):
    text = dump_document(world_to_document(world))
    again = parse_world(parse_document(text))
    assert again == world


def test_dates_dump_as_plain_yaml_dates():
    world = parse_world(parse_document(WORLD))
    assert "born: 1990-04-02" in dump_document(world_to_document(world))
    assert isinstance(parse_document("d: 2024-01-01")["d"], dt.date)
