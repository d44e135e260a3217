import datetime as dt
from decimal import Decimal

import pytest

from likeness.domain.ids import PerformerId, ReplicaId, RepresentativeId
from likeness.domain.performers import (
    Performer,
    PerformerCategory,
    Representative,
    RepresentativeKind,
)
from likeness.domain.replicas import AssetFile, Medium, Replica, ReplicaKind


def performer(**kw):
    base = {
        "id": PerformerId("P1"),
        "name": "Dana Ruiz",
        "category": PerformerCategory.BACKGROUND,
        "born": dt.date(1990, 4, 2),
    }
    base.update(kw)
    return Performer(**base)


class TestPerformer:
    def test_age_counts_the_birthday_itself(self):
        p = performer()
        assert p.age_on(dt.date(2008, 4, 1)) == 17
        assert p.age_on(dt.date(2008, 4, 2)) == 18

    def test_a_performer_under_eighteen_is_a_minor(self):
        p = performer(born=dt.date(2010, 1, 1))
        assert p.is_minor_on(dt.date(2027, 12, 31))
        assert not p.is_minor_on(dt.date(2028, 1, 1))

    def test_a_performer_is_alive_on_the_day_of_death(self):
        p = performer(died=dt.date(2024, 5, 10))
        assert not p.is_dead_on(dt.date(2024, 5, 10))
        assert p.is_dead_on(dt.date(2024, 5, 11))

    def test_a_leap_day_birth_turns_eighteen_on_march_first(self):
        assert performer(born=dt.date(2008, 2, 29)).eighteenth_birthday() == dt.date(2026, 3, 1)

    def test_death_before_birth_is_refused(self):
        with pytest.raises(ValueError, match="before born"):
            performer(died=dt.date(1980, 1, 1))

    def test_negative_pay_is_refused(self):
        with pytest.raises(ValueError, match="weekly_salary -1 is negative"):
            performer(weekly_salary=Decimal("-1"))

    def test_repeated_representative_ids_are_refused(self):
        rep = Representative(RepresentativeId("E1"), RepresentativeKind.ESTATE)
        with pytest.raises(ValueError, match="repeat"):
            performer(representatives=(rep, rep))

    def test_estate_is_found_among_representatives(self):
        p = performer(
            representatives=(Representative(RepresentativeId("E1"), RepresentativeKind.ESTATE),)
        )
        assert p.has_estate()
        assert p.representative("E1") is not None
        assert not performer().has_estate()


class TestReplica:
    def test_a_replica_needs_media(self):
        with pytest.raises(ValueError, match="media is empty"):
            Replica(ReplicaId("D1"), PerformerId("P1"), ReplicaKind.EMPLOYMENT_BASED, ())

    def test_an_asset_digest_must_be_sha256_hex(self):
        with pytest.raises(ValueError, match="64 lowercase hex"):
            AssetFile("/scans/a.obj", 10, "abc")

    def test_adding_an_asset_at_the_same_location_replaces_it(self):
        r = Replica(
            ReplicaId("D1"), PerformerId("P1"), ReplicaKind.EMPLOYMENT_BASED, (Medium.FACE,)
        )
        r = r.with_asset(AssetFile("/a", 1, "0" * 64)).with_asset(AssetFile("/a", 2, "1" * 64))
        assert [a.size for a in r.assets] == [2]
