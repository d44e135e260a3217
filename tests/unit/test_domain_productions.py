"""A production's platform, titles and cast keep their invariants as they are built (SPEC §6.1)."""

import datetime as dt
from decimal import Decimal

import pytest

from likeness.domain.ids import PerformerId, ProducerId, ProductionId
from likeness.domain.productions import (
    CastMember,
    Production,
    ProductionKind,
    ProductionTitle,
)

F1, P1 = ProductionId("F1"), PerformerId("P1")
PREMIERE = dt.date(2025, 3, 1)


def test_a_production_built_as_before_has_no_platform():
    production = Production(F1, "Harbor", ProducerId("S1"), ProductionKind.HB_SVOD, "no-union")
    assert production.platform is None


@pytest.mark.parametrize("platform", ["", "   ", "x" * 65])
def test_a_platform_is_a_name_of_1_to_64_characters(platform):
    with pytest.raises(ValueError, match="production F1: platform"):
        Production(F1, "H", ProducerId("S1"), ProductionKind.HB_SVOD, "no-union", None, platform)


def test_a_title_keeps_its_fields():
    title = ProductionTitle(F1, "F1-E1", 60, PREMIERE)
    assert (title.production, title.title, title.runtime_minutes, title.premiere) == (
        "F1", "F1-E1", 60, PREMIERE
    )  # fmt: skip


@pytest.mark.parametrize(
    ("title", "runtime", "message"),
    [
        ("F1 E1", 60, "title 'F1 E1': not an id"),
        ("x" * 65, 60, "not an id"),
        ("F1-E1", 0, "title F1-E1: runtime_minutes 0 is not positive"),
        ("F1-E1", -5, "runtime_minutes -5 is not positive"),
        ("F1-E1", True, "runtime_minutes True is not positive"),
    ],
)
def test_a_title_needs_an_id_and_a_positive_runtime(title, runtime, message):
    with pytest.raises(ValueError, match=message):
        ProductionTitle(F1, title, runtime, PREMIERE)


def test_a_title_premieres_on_a_date():
    with pytest.raises(ValueError, match="premiere '2025-03-01' is not a date"):
        ProductionTitle(F1, "F1-E1", 60, "2025-03-01")  # type: ignore[arg-type]


def test_a_residual_base_is_kept_to_the_cent():
    assert CastMember(F1, P1, Decimal("1500.5")).residual_base == Decimal("1500.50")
    assert str(CastMember(F1, P1, Decimal("0")).residual_base) == "0.00"


@pytest.mark.parametrize("base", ["-0.01", "1.001", "NaN", "Infinity", "1000000000.01"])
def test_a_residual_base_is_an_amount_not_below_zero(base):
    with pytest.raises(ValueError, match="cast F1 P1: residual_base"):
        CastMember(F1, P1, Decimal(base))
