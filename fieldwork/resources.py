"""Files the app reads at run time from its own package (never from a source tree).

``print_templates/`` lives at the top of the repository and is installed as the package
``fieldwork.print_templates`` (setup.py maps it); catalogues, templates, migrations and the demo
city ship inside ``fieldwork/``. A file missing from the installation is named in the error.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable


class RuntimeFileMissing(RuntimeError):
    """A file the installed package should carry is not there."""


def runtime_file(package: str, name: str) -> Traversable:
    """The file ``name`` of ``package`` (e.g. 'fieldwork.print_templates'), checked to exist."""
    shown = f"{package.replace('.', '/')}/{name}"
    try:
        path = resources.files(package) / name
    except ModuleNotFoundError:
        path = None
    if path is None or not path.is_file():
        raise RuntimeFileMissing(
            f"{shown} is missing from the installed fieldwork package"
            f"{'' if path is None else f' (looked for {path})'}. Reinstall fieldwork "
            "(pip install --force-reinstall fieldwork-*.whl); in a source checkout run "
            "`make setup`. print_templates/ at the top of the repository is installed as "
            "fieldwork/print_templates.")
    return path


def read_text(package: str, name: str) -> str:
    """The UTF-8 text of a run-time file (see ``runtime_file``)."""
    return runtime_file(package, name).read_text(encoding="utf-8")
