"""``likeness decide`` and ``likeness use record`` take the request fields the request record
declares, as the same options."""

import inspect
from dataclasses import fields

import pytest

from likeness.cli import _request_options as cli
from likeness.cli import decide, uses
from likeness.domain.requests import Request
from likeness.interchange.schemas import REQUEST_FILE_ONLY, RequestRecord


def test_the_request_record_declares_exactly_the_fields_of_the_domain_request():
    assert set(RequestRecord.model_fields) - REQUEST_FILE_ONLY == {f.name for f in fields(Request)}


@pytest.mark.parametrize("command", [decide.decide, uses.record])
def test_every_request_field_but_those_listed_has_an_option(command):
    options = set(inspect.signature(command).parameters)
    named = {
        cli.OPTION_OF_FIELD.get(name, name)
        for name in RequestRecord.model_fields
        if name not in REQUEST_FILE_ONLY | cli.FIELDS_WITHOUT_OPTION
    }
    assert named <= options
    assert not cli.FIELDS_WITHOUT_OPTION & options


def test_the_options_become_a_request_document_with_features_as_a_list():
    params = dict.fromkeys(cli.OPTION_NAMES)
    params.update(id="Q1", kind="use", feature=None, days=1, counts_toward_background=False)
    data = cli.options_request(params)
    assert data["id"] == "Q1"
    assert data["recognizable_features"] == []
    assert "description" not in data
    assert "kind" in data
    assert "producer" not in data  # an option not given is left out
    assert "expect" not in data
