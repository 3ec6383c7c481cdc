"""The export job: write a survey's data file (SPSS, Stata, CSV, XLSX) off the request thread;
and charts made ready when a worker starts."""

from __future__ import annotations

import logging
import threading
import zipfile

from flask_babel import gettext as _

from ..auth.models import User
from ..errors import OperationError
from ..extensions import db
from ..jobs.runner import service, task
from ..jobs.storage import fresh_folder
from ..plans.models import Survey
from .filters import FilterError, parse_filter


def _title(params: dict) -> str:
    kind = _("identified") if params.get("identified") else _("de-identified")
    return _("Data export as %(fmt)s (%(kind)s)", fmt=str(params.get("format", "?")).upper(),
             kind=kind)


@task("stats.export", title=_title)
def export(job, ctx) -> dict:
    """Write the export into the job's folder (one file, or a zip with its codebook)."""
    from .exports import export_survey

    survey = db.session.get(Survey, job.survey_id)
    user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    if survey is None or user is None:
        raise OperationError(_("The survey or the person who asked for this export is gone."))
    fmt, identified = job.params["format"], bool(job.params.get("identified"))
    kept = job.params.get("filter") or {}
    try:
        flt = parse_filter(survey, dict(kept, channels=kept.get("channel"),
                                        combined=kept.get("combined") == "1"))
    except FilterError as exc:
        raise OperationError(str(exc)) from None
    folder = fresh_folder(job.id)  # a resumed run starts from an empty folder
    ctx.progress(0, 1, _("Writing the file"), force=True)
    name = f"{survey.code}.{fmt}"
    made = export_survey(survey, fmt, folder / name, user, identified, flt)
    summary = (_("%(n)s rows, dataset %(snapshot)s.", n=made.rows, snapshot=made.snapshot[:12])
               if made.rows else
               _("No counted answers yet: the file holds the variables, their labels and the "
                 "codebook only."))
    facts = {"rows": made.rows, "snapshot": made.snapshot, "summary": summary}
    if len(made.files) == 1:
        return {"file": made.files[0].name, "download_name": name, **facts}
    with zipfile.ZipFile(folder / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for path in made.files:
            zf.write(path, path.name)
    return {"file": f"{name}.zip", "download_name": f"{name}.zip", **facts}


def _import_charts() -> None:
    try:
        import matplotlib
        matplotlib.use("Agg", force=False)
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401
        from matplotlib.figure import Figure  # noqa: F401  (loads the font list)
    except Exception:  # the first chart will say what is wrong
        logging.getLogger(__name__).exception("importing matplotlib failed")


@service("stats.charts")
def preload_charts(app) -> threading.Thread:
    """Import matplotlib in the background when a worker (or the embedded pool) starts, so
    the first chart of the process does not wait for it (about 2 s on a loaded machine)."""
    loader = threading.Thread(target=_import_charts, name="stats-charts-import", daemon=True)
    loader.start()
    return loader
