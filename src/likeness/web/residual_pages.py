"""A producer runs residuals from the portal (SPEC §6.1, §12), as ``likeness residuals run DIR
--from-registry`` does: it uploads subscribers and viewership; productions, titles and cast come
from the registry (those it may see); the run is validated, computed on DuckDB in this process,
and stored with the pay lines it makes owed.

A run the validation refuses stores nothing and lists its problems next to the form.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from likeness.deps import ContainerDep
from likeness.domain.principals import Principal, Role
from likeness.domain.productions import DEFAULT_AGREEMENT
from likeness.errors import CompensationError, Error, InvalidInputError
from likeness.services.residual_inputs import registry_tables as registry_rows
from likeness.services.residuals import record_residual_run
from likeness.web.auth import PortalPrincipal
from likeness.web.forms import problem_lines
from likeness.web.pages import CheckedForm, form_status, only_for, render

router = APIRouter(include_in_schema=False)

#: the files a producer uploads; the rest of the input comes from the registry
UPLOADS = ("subscribers", "viewership")


@router.get("/producer/residuals", response_class=HTMLResponse)
def residuals_page(request: Request, principal: PortalPrincipal) -> HTMLResponse:
    """The form that runs residuals from uploaded subscribers and viewership."""
    only_for(principal, Role.PRODUCER)
    return render(request, "producer_residuals.html", uploads=UPLOADS, outcome=None)


def _run(container: ContainerDep, principal: Principal, folder: Path) -> dict[str, Any]:
    """Validate, compute and store, as the CLI's ``--from-registry`` path does."""
    from likeness.compensation.residuals.engines import create_engine
    from likeness.compensation.residuals.from_registry import registry_tables
    from likeness.compensation.residuals.run import run_residuals
    from likeness.compensation.residuals.settings import load_settings

    with container.uow(write=False) as uow:
        rows = registry_rows(uow, principal)
    if not rows.titles:
        raise InvalidInputError(
            "the registry holds no titles of a production you may see (expected titles"
            " registered with `likeness production add-title`)"
        )
    given = registry_tables(
        {"productions": rows.productions, "titles": rows.titles, "cast": rows.cast}
    )
    backend = create_engine("duckdb")
    try:
        outcome = run_residuals(folder, backend, load_settings(DEFAULT_AGREEMENT), given=given)
    finally:
        backend.close()
    if outcome.result is None:
        raise CompensationError(
            "the residual input has problems; nothing was computed or stored",
            errors=outcome.report.lines(),
        )
    with container.uow() as uow:
        recorded = record_residual_run(
            uow, principal, outcome, source="portal upload", deps=container.deps
        )
        uow.commit()
    return {"run": recorded.id, "result": outcome.result, "pay": recorded.pay}


@router.post("/producer/residuals", response_class=HTMLResponse)
async def run_residuals_now(
    request: Request, form: CheckedForm, principal: PortalPrincipal, container: ContainerDep
) -> HTMLResponse:
    """Run residuals on the uploaded files and show what became owed."""
    folder = Path(tempfile.mkdtemp(prefix="residuals-", dir=container.home))
    try:
        for name in UPLOADS:
            sent = form.get(name)
            if not isinstance(sent, UploadFile) or not sent.filename:
                error = InvalidInputError(f"{name}: no file chosen (expected {name}.csv)")
                return render(
                    request,
                    "producer_residuals.html",
                    422,
                    uploads=UPLOADS,
                    outcome=None,
                    errors={"form": problem_lines(error)},
                )
            suffix = ".parquet" if sent.filename.endswith(".parquet") else ".csv"
            (folder / f"{name}{suffix}").write_bytes(await sent.read())
        try:
            outcome = await run_in_threadpool(_run, container, principal, folder)
        except Error as exc:
            if exc.status >= 500:
                raise
            return render(
                request,
                "producer_residuals.html",
                form_status(exc),
                uploads=UPLOADS,
                outcome=None,
                errors={"form": problem_lines(exc)},
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return render(request, "producer_residuals.html", uploads=UPLOADS, outcome=outcome)
