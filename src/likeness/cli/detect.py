"""``likeness detect PATH``, ``likeness enrol`` and ``likeness finding list|show``: finding
performers' likeness in media (SPEC §13)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from likeness.cli._boot import bootstrap
from likeness.cli._output import err_console, print_json, print_table
from likeness.cli._principal import current
from likeness.interchange.findings import finding_json, match_json
from likeness.services.detection import DetectionReport, detect, media_files
from likeness.services.enrolment import EnrolmentReport, enrol, require_detection
from likeness.services.findings import get_finding, list_findings

finding_app = typer.Typer(
    help="Findings: likeness found in media that no recorded use covers (SPEC §13).",
    no_args_is_help=True,
)


def _enrolment_lines(report: EnrolmentReport) -> list[str]:
    lines = []
    bare = []
    for e in report.enrolled:
        if not (e.faces or e.voices or e.skipped):
            bare.append(e.replica)
            continue
        lines.append(f"enrolled {e.replica}: {e.faces} face(s), {e.voices} voice(s)")
        lines += [f"  skipped {line}" for line in e.skipped]
    if bare:
        lines.append(f"no reference assets yet: {', '.join(bare)} (nothing to find them by)")
    return lines


def _report_json(report: DetectionReport) -> dict[str, Any]:
    return {
        "enrolled": [
            {"replica": e.replica, "faces": e.faces, "voices": e.voices, "skipped": e.skipped}
            for e in report.enrolment.enrolled
        ],
        "files": [
            {
                "file": f.file,
                "sha256": f.sha256,
                "problem": f.problem,
                "matches": [match_json(m) for m in f.matches],
                "findings": [
                    {"id": found.id, "new": new, "replica": found.replica}
                    for found, new in f.findings
                ],
            }
            for f in report.files
        ],
    }


def detect_command(
    paths: Annotated[
        list[Path], typer.Argument(help="Pictures, videos, recordings, or folders of them.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    source: Annotated[
        str | None,
        typer.Option(
            "--source", help="Where the files were found (a web address): the takedown names it."
        ),
    ] = None,
) -> None:
    """Find enrolled performers' faces and voices in media, and tell each match covered (a
    recorded use's C2PA credential or registered output) from not covered. An uncovered match
    is stored as a finding and told to the performer and the union with a takedown notice
    draft. Replicas whose assets changed are enrolled again first. Exits 1 when there is a
    finding or a file could not be read."""
    container = bootstrap()
    require_detection(current())  # before a progress bar is drawn
    files = list(media_files(paths))
    with Progress(
        TextColumn("scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=err_console,
        transient=True,
        disable=len(files) < 2,
    ) as bar:
        task = bar.add_task("", total=len(files))

        def advance(path: Path, done: int, total: int) -> None:
            bar.update(task, completed=done, description=path.name)

        report = detect(
            container.uow,
            current(),
            container.scanner(),
            paths,
            container.thresholds(),
            container.deps.clock,
            source=source,
            progress=advance,
        )
    uncovered = [m for m in report.matches if not m.coverage.covered]
    if as_json:
        print_json(_report_json(report))
    else:
        for line in _enrolment_lines(report.enrolment):
            print(line)
        for f in report.files:
            if f.problem:
                print(f"{f.file}: {f.problem}")
            for m in f.matches:
                state = "covered" if m.coverage.covered else "NOT COVERED"
                j = match_json(m)
                print(
                    f"{m.file} at {j['time']}: {m.medium.value} of {m.performer} (replica"
                    f" {m.replica}, {m.measure} {j['score']}): {state}: {m.coverage.reason}"
                )
            for found, new in f.findings:
                if new:
                    print(
                        f"  new finding {found.id}: {found.performer} and the union told,"
                        " with a takedown draft"
                    )
                else:
                    print(f"  finding {found.id} already recorded (told when first found)")
        scanned = sum(1 for f in report.files if not f.problem)
        print(
            f"{scanned} file(s) scanned, {len(report.problems)} unreadable;"
            f" {len(report.matches)} match(es), {len(uncovered)} not covered"
        )
    if uncovered or report.problems:
        raise typer.Exit(1)


def enrol_command(
    replicas: Annotated[
        list[str] | None, typer.Argument(help="Replica ids (default: every replica).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Enrol again even if current.")] = False,
) -> None:
    """Enrol replicas for detection: face and voice embeddings from their reference assets
    (models ship in the installed packages; nothing is downloaded). Only replicas whose assets
    or models changed are enrolled again, unless --force."""
    container = bootstrap()
    with container.uow() as uow:
        report = enrol(
            uow,
            current(),
            container.scanner(),
            container.deps.clock,
            replicas=replicas or (),
            force=force,
        )
    for line in _enrolment_lines(report):
        print(line)
    print(f"{len(report.enrolled)} replica(s) enrolled, {report.current} already current")


@finding_app.command("list")
def list_(
    limit: Annotated[int, typer.Option(help="Most findings to show.")] = 50,
    offset: Annotated[int, typer.Option(help="Findings to skip.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The findings you may see (a performer's own, the union all), newest first."""
    container = bootstrap()
    with container.uow(write=False) as uow:
        page = list_findings(uow, current(), limit=limit, offset=offset)
    rows = [finding_json(f) for f in page.items]
    if as_json:
        print_json({"items": rows, "total": page.total, "limit": limit, "offset": offset})
        return
    columns = ["id", "performer", "replica", "medium", "file", "time", "score", "found_at"]
    print_table(f"Findings ({page.total})", columns, rows)


@finding_app.command("show")
def show(
    finding: Annotated[int, typer.Argument(help="A finding id.", min=1)],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One finding: what was found where, and why no consent covers it."""
    container = bootstrap()
    with container.uow(write=False) as uow:
        found = get_finding(uow, current(), finding)
    data = finding_json(found)
    if as_json:
        print_json(data)
        return
    for key, value in data.items():
        print(f"{key}: {value}")
