"""Finding likeness in media (SPEC §13) on SQLite and PostgreSQL, with the real models: real
photographs from installed packages (see ``tests/face_samples.py``), C2PA credentials signed
by the installation's own certificate, findings, notices and ledger entries."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from likeness.bootstrap import Container, ensure_c2pa_identity
from likeness.cli.main import _demo_document
from likeness.domain.findings import MatchMedium
from likeness.domain.principals import OPERATOR, Principal
from likeness.errors import ForbiddenError, NotFoundError
from likeness.services import replica_assets
from likeness.services.demo import load_demo
from likeness.services.detection import detect
from likeness.services.enrolment import enrol
from likeness.services.findings import get_finding, list_findings
from likeness.services.ledger_audit import audit_ledger
from likeness.services.notices import list_notices
from likeness.services.outputs import credential_output, register_output
from likeness.storage import tables as t
from tests.collaborators import CHEAP_HASHER, DEPS
from tests.face_samples import augment, portraits, save

UNION = Principal.parse("union")
DANA = Principal.parse("performer:P1")
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def _clock() -> dt.datetime:
    return NOW


@pytest.fixture(scope="module")
def people() -> dict:
    return portraits()


@pytest.fixture
def world(container: Container, people, tmp_path: Path) -> Container:
    """The demo world; Dana's replica D1 enrolled from Eileen Collins' photograph, Leo
    Marsh's D4 from Grace Hopper's, Ruth Calder's D3 from one person of the group photo."""
    with container.uow() as uow:
        load_demo(uow, OPERATOR, _demo_document(), deps=DEPS, hasher=CHEAP_HASHER)
    ensure_c2pa_identity(container)
    assets = tmp_path / "assets"
    for replica, person in (("D1", "collins"), ("D4", "hopper"), ("D3", "t1-0")):
        path = save(people[person], assets / f"{replica}.png")
        with container.uow() as uow:
            replica_assets.register_asset(uow, OPERATOR, replica, path)
    return container


def _detect(container: Container, *paths: Path, who: Principal = UNION):
    return detect(
        container.uow,
        who,
        container.scanner(),
        list(paths),
        container.thresholds(),
        _clock,
        source="https://video.example/watch/123",
    )


def test_enrolment_embeds_each_face_replica_once_and_again_when_its_assets_change(
    world, people, tmp_path
):
    scanner = world.scanner()
    with world.uow() as uow:
        first = enrol(uow, UNION, scanner, _clock)
    faces = {e.replica: e.faces for e in first.enrolled}
    assert faces == {"D1": 1, "D2": 0, "D3": 1, "D4": 1, "V7": 0}  # D2, V7: no asset yet
    with world.uow() as uow:
        again = enrol(uow, UNION, scanner, _clock)
    assert again.enrolled == [] and again.current == 5
    extra = save(augment(people["collins"], "mirror"), tmp_path / "more" / "d1-mirror.png")
    with world.uow() as uow:
        replica_assets.register_asset(uow, OPERATOR, "D1", extra)
    with world.uow() as uow:
        third = enrol(uow, UNION, world.scanner(), _clock)
    assert [(e.replica, e.faces) for e in third.enrolled] == [("D1", 2)]
    with world.engine.connect() as conn:
        rows = conn.execute(
            select(t.replica_embeddings.c.replica_id, func.count())
            .group_by(t.replica_embeddings.c.replica_id)
            .order_by(t.replica_embeddings.c.replica_id)
        ).all()
    assert [tuple(r) for r in rows] == [("D1", 2), ("D3", 1), ("D4", 1)]


def test_an_asset_with_no_face_is_skipped_with_its_reason(world, tmp_path):
    blank = tmp_path / "blank.png"
    save(np.full((200, 200, 3), 128, dtype="uint8"), blank)
    with world.uow() as uow:
        replica_assets.register_asset(uow, OPERATOR, "D2", blank)
    with world.uow() as uow:
        report = enrol(uow, UNION, world.scanner(), _clock, replicas=["D2"])
    (d2,) = report.enrolled
    assert d2.faces == 0
    assert d2.skipped == (f"{blank.resolve()}: no face found in it",)


def test_an_enrolled_face_is_found_in_variants_and_others_are_not(world, people, tmp_path):
    scan = tmp_path / "scan"
    save(augment(people["collins"], "jpeg-30"), scan / "a-collins.jpg")
    save(augment(people["hopper"], "rotate"), scan / "b-hopper.png")
    save(people["t1-3"], scan / "c-stranger.png")
    save(people["hanks"], scan / "d-hanks.png")
    report = _detect(world, scan)
    found = [
        (Path(m.file).name, m.performer, m.replica, m.coverage.covered) for m in report.matches
    ]
    assert found == [
        ("a-collins.jpg", "P1", "D1", False),
        ("b-hopper.png", "P4", "D4", False),
    ]
    assert all(m.score < 0.35 for m in report.matches)
    assert report.problems == []


def test_an_uncovered_match_is_a_finding_told_to_the_performer_and_the_union(
    world, people, tmp_path
):
    clip = save(augment(people["collins"], "dark"), tmp_path / "scan" / "leak.png")
    report = _detect(world, clip)
    ((finding, new),) = report.files[0].findings
    assert new and finding.performer == "P1" and finding.replica == "D1"
    assert finding.medium is MatchMedium.FACE and finding.ledger_index is not None
    with world.uow(write=False) as uow:
        dana = [n for n in list_notices(uow, DANA).items if str(n.kind) == "finding"]
        union = [n for n in list_notices(uow, UNION).items if str(n.kind) == "finding"]
        entry = uow.ledger.entry(finding.ledger_index)
    assert len(dana) == 1 and len(union) == 1
    message = dana[0].message
    assert "TAKEDOWN NOTICE (draft)" in message
    assert "Dana Ruiz (performer P1)" in message
    assert "https://video.example/watch/123" in message
    assert str(clip) in message and finding.sha256 in message
    assert "No consent covers this use of their likeness" in message
    assert entry.kind == "finding-recorded" and entry.record["replica"] == "D1"
    # the same file again is the same finding: nothing new stored, nobody told twice
    again = _detect(world, clip)
    ((same, new_again),) = again.files[0].findings
    assert (same.id, new_again) == (finding.id, False)
    with world.uow(write=False) as uow:
        assert len([n for n in list_notices(uow, DANA).items if str(n.kind) == "finding"]) == 1


def test_a_credentialed_output_of_a_recorded_use_is_covered_and_its_bare_pixels_are_not(
    world, people, tmp_path
):
    source = save(people["collins"], tmp_path / "render.png")
    signed = tmp_path / "out" / "render-signed.png"
    signed.parent.mkdir()
    producer = Principal.parse("producer:S1")
    with world.uow() as uow:
        output = credential_output(
            uow,
            producer,
            world.scanner(),
            1,
            source,
            signed,
            installation="localhost/likeness",
            clock=_clock,
        )
    assert output.new and output.how == "credential"
    report = _detect(world, signed, source)
    by_file = {Path(f.file).name: f for f in report.files}
    (covered,) = by_file["render-signed.png"].matches
    assert covered.coverage.covered and covered.coverage.via == "manifest"
    assert covered.coverage.use == 1
    (bare,) = by_file["render.png"].matches
    assert not bare.coverage.covered
    assert "carries no Likeness credential" in bare.coverage.reason
    assert by_file["render-signed.png"].findings == ()


def test_a_tampered_credential_is_reported_invalid(world, people, tmp_path):
    source = save(people["collins"], tmp_path / "render.png")
    signed = tmp_path / "signed.png"
    with world.uow() as uow:
        credential_output(
            uow,
            OPERATOR,
            world.scanner(),
            1,
            source,
            signed,
            installation="localhost/likeness",
            clock=_clock,
        )
    data = bytearray(signed.read_bytes())
    at = data.find(b"org.likeness.use")
    assert at > 0
    tampered = tmp_path / "tampered.png"
    data[at + 40] ^= 0x01
    tampered.write_bytes(bytes(data))
    report = _detect(world, tampered)
    (match,) = report.matches
    assert not match.coverage.covered
    assert match.coverage.reason.startswith("its C2PA credential is invalid")


def test_a_registered_output_is_covered_by_its_sha256(world, people, tmp_path):
    output = save(augment(people["collins"], "scale-up"), tmp_path / "poster.jpg")
    with world.uow() as uow:
        registered = register_output(uow, OPERATOR, 1, output, clock=_clock)
    assert registered.how == "registered"
    copy = tmp_path / "copy.jpg"
    shutil.copyfile(output, copy)
    report = _detect(world, copy)
    (match,) = report.matches
    assert match.coverage.covered and match.coverage.via == "output"


def test_a_use_of_another_performer_does_not_cover_a_match(world, people, tmp_path):
    output = save(people["hopper"], tmp_path / "poster.png")
    with world.uow() as uow:
        register_output(uow, OPERATOR, 1, output, clock=_clock)  # use 1 is of Dana's D1
    (match,) = _detect(world, output).matches
    assert match.performer == "P4" and not match.coverage.covered


def test_unreadable_files_are_one_line_each_and_the_rest_is_scanned(world, people, tmp_path):
    scan = tmp_path / "scan"
    scan.mkdir()
    (scan / "a-corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00garbage" * 50)
    (scan / "b-empty.wav").write_bytes(b"")
    (scan / "c-notes.mp4").write_text("not a video at all")
    save(people["collins"], scan / "d-collins.png")
    report = _detect(world, scan)
    assert len(report.problems) == 3
    assert all(line.count("\n") == 0 for line in report.problems)
    assert any("b-empty.wav" in line and "empty" in line for line in report.problems)
    assert [Path(m.file).name for m in report.matches] == ["d-collins.png"]


def test_only_the_union_and_the_operator_scan(world, tmp_path):
    for who in ("performer:P1", "producer:S1", "representative:E3"):
        with pytest.raises(ForbiddenError):
            _detect(world, tmp_path, who=Principal.parse(who))


def test_a_finding_is_seen_by_its_performer_and_the_union_only(world, people, tmp_path):
    clip = save(people["collins"], tmp_path / "leak.png")
    ((finding, _),) = _detect(world, clip).files[0].findings
    with world.uow(write=False) as uow:
        assert get_finding(uow, DANA, finding.id).id == finding.id
        assert get_finding(uow, UNION, finding.id).id == finding.id
        for other in ("performer:P2", "producer:S1", "representative:E3"):
            with pytest.raises(NotFoundError, match=f"finding {finding.id} does not exist"):
                get_finding(uow, Principal.parse(other), finding.id)
            assert list_findings(uow, Principal.parse(other)).total == 0
        assert list_findings(uow, DANA).total == 1


def test_the_ledger_audit_covers_enrolments_outputs_and_findings(world, people, tmp_path):
    output = save(people["hopper"], tmp_path / "poster.png")
    with world.uow() as uow:
        register_output(uow, OPERATOR, 1, output, clock=_clock)
    _detect(world, save(people["collins"], tmp_path / "leak.png"))
    with world.uow(write=False) as uow:
        report = audit_ledger(OPERATOR, uow.ledger, uow.table_rows)
        assert report.differences == []
    with world.engine.begin() as conn:
        conn.execute(t.findings.update().values(replica_id="D4"))
    with world.uow(write=False) as uow:
        report = audit_ledger(OPERATOR, uow.ledger, uow.table_rows)
    assert [(d.table, d.field, d.ledger, d.stored) for d in report.differences] == [
        ("findings", "replica_id", "D1", "D4")
    ]


@pytest.fixture(scope="module")
def voices(tmp_path_factory) -> dict[str, Path]:
    """espeak-ng voices: Rosa's voice (en-us+f2) saying the enrolment sentences, and the
    probe sentences said by her voice and by the two other voices closest to it."""
    from tests.media_samples import ENROLMENT_SENTENCES, PROBE_SENTENCES, speak

    folder = tmp_path_factory.mktemp("voices")
    made = {
        f"enrol{n}": speak(folder, "en-us+f2", text, f"enrol{n}")
        for n, text in enumerate(ENROLMENT_SENTENCES)
    }
    probe = " ".join(PROBE_SENTENCES)
    for name, voice in (
        ("rosa", "en-us+f2"),
        ("other-f4", "en-us+f4"),
        ("other-anika", "en-us+anika"),
    ):
        made[name] = speak(folder, voice, probe, name)
    return made


def test_an_enrolled_voice_is_found_in_other_sentences_and_other_voices_are_not(
    world, voices, people, tmp_path
):
    for n in range(3):
        with world.uow() as uow:
            replica_assets.register_asset(uow, OPERATOR, "V7", voices[f"enrol{n}"])
    scan = tmp_path / "scan"
    scan.mkdir()
    for name in ("rosa", "other-f4", "other-anika"):
        shutil.copyfile(voices[name], scan / f"{name}.wav")
    report = _detect(world, scan)
    assert ("V7", 0, 3, 0) in [
        (e.replica, e.faces, e.voices, len(e.skipped)) for e in report.enrolment.enrolled
    ]
    heard = {(Path(m.file).name, m.performer, m.medium) for m in report.matches}
    assert heard == {("rosa.wav", "P7", MatchMedium.VOICE)}
    times = [m.time_s for m in report.matches]
    assert len(times) >= 4 and times == sorted(times)  # windows across the whole recording
    assert all(m.score >= 0.845 for m in report.matches)
    ((finding, new),) = report.files[
        [Path(f.file).name for f in report.files].index("rosa.wav")
    ].findings
    assert new and finding.medium is MatchMedium.VOICE and finding.time_s == times[0]


def test_a_video_is_scanned_for_faces_in_its_frames_and_voices_in_its_sound(
    world, voices, people, tmp_path
):
    from tests.media_samples import video_from_images

    for n in range(3):
        with world.uow() as uow:
            replica_assets.register_asset(uow, OPERATOR, "V7", voices[f"enrol{n}"])
    ruth = people["t1-0"][:278, :260]  # even sides, as H.264 wants
    blank = np.full_like(ruth, 40)
    clip = video_from_images(
        tmp_path, [(0.0, blank), (2.0, ruth), (4.0, blank)], voices["rosa"], "clip.mp4"
    )
    report = _detect(world, clip)
    seen = sorted({(m.medium.value, m.performer) for m in report.matches})
    assert seen == [("face", "P3"), ("voice", "P7")]
    face_times = sorted(m.time_s for m in report.matches if m.medium is MatchMedium.FACE)
    assert face_times and 2.0 <= face_times[0] < 4.0
    assert {f.replica for f, _ in report.files[0].findings} == {"D3", "V7"}
