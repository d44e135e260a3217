"""``likeness decide`` takes the request fields the request record declares, as options."""

import inspect
from dataclasses import fields

from likeness.cli import decide as cli
from likeness.domain.requests import Request
from likeness.interchange.schemas import REQUEST_FILE_ONLY, RequestRecord


def test_the_request_record_declares_exactly_the_fields_of_the_domain_request():
    assert set(RequestRecord.model_fields) - REQUEST_FILE_ONLY == {f.name for f in fields(Request)}


def test_every_request_field_but_those_listed_has_a_decide_option():
    options = set(inspect.signature(cli.decide).parameters)
    named = {
        cli.OPTION_OF_FIELD.get(name, name)
        for name in RequestRecord.model_fields
        if name not in REQUEST_FILE_ONLY | cli.FIELDS_WITHOUT_OPTION
    }
    assert named <= options
    assert not cli.FIELDS_WITHOUT_OPTION & options


def test_the_options_become_a_request_document_with_features_as_a_list():
    params = dict.fromkeys(inspect.signature(cli.decide).parameters)
    params.update(id="Q1", kind="use", feature=None, days=1)
    data = cli._request_options(params)
    assert data["id"] == "Q1"
    assert data["recognizable_features"] == []
    assert "description" not in data
    assert "expect" not in data
