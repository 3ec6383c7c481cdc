"""The package carries what the app reads at run time: print settings, compiled catalogues.

The real install is checked by ``scripts/wheel-smoke.sh`` (``make test``): a wheel in a fresh
venv runs db upgrade, demo, forms print and serves a Vietnamese page. Here: what the wheel
holds, the version, and the message when a run-time file is missing.
"""

from __future__ import annotations

import gettext
import importlib.metadata
import io
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from fieldwork.forms.fonts import SETTINGS, load_print_settings
from fieldwork.resources import RuntimeFileMissing, read_text, runtime_file

ROOT = Path(__file__).resolve().parents[2]


SKIP = shutil.ignore_patterns("__pycache__", "*.mo", "*.pyc")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """A wheel built the way pip builds one, from a copy of the tree (the tree stays clean)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("fieldwork", "print_templates"):
        shutil.copytree(ROOT / name, src / name, ignore=SKIP)
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    [whl] = out.glob("fieldwork-*.whl")
    return zipfile.ZipFile(whl)


def test_the_wheel_carries_every_file_of_the_package_and_print_templates(wheel):
    """A data file added beside the code (a template, a JSON, a font) must be installed too:
    if this fails, add its pattern to [tool.setuptools.package-data] in pyproject.toml."""
    names = set(wheel.namelist())
    missing = []
    for top, installed in (("fieldwork", "fieldwork"), ("print_templates",
                                                        "fieldwork/print_templates")):
        for f in (ROOT / top).rglob("*"):
            rel = f.relative_to(ROOT / top)
            if f.is_file() and not SKIP(str(f.parent), [f.name]) and \
                    "__pycache__" not in rel.parts:
                if f"{installed}/{rel.as_posix()}" not in names:
                    missing.append(f"{top}/{rel.as_posix()}")
    assert not missing, f"not in the wheel: {missing}"


def test_the_wheel_carries_every_catalogue_compiled(wheel):
    names = set(wheel.namelist())
    pos = sorted(ROOT.glob("fieldwork/**/translations/*/LC_MESSAGES/messages.po"))
    assert len(pos) >= 10  # the app's and the features' catalogues
    for po in pos:
        mo = po.relative_to(ROOT).with_suffix(".mo").as_posix()
        assert mo in names, f"{mo} is not in the wheel"


def test_the_wheels_vietnamese_catalogue_says_what_the_po_file_says(wheel):
    """Read the .po with Babel and the wheel's .mo with the standard library's gettext."""
    from babel.messages.pofile import read_po

    po = ROOT / "fieldwork/translations/vi/LC_MESSAGES/messages.po"
    with open(po, "rb") as fh:
        wanted = {m.id: m.string for m in read_po(fh)
                  if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
                  and not m.context}
    mo = gettext.GNUTranslations(io.BytesIO(
        wheel.read("fieldwork/translations/vi/LC_MESSAGES/messages.mo")))
    assert mo.gettext("Sign in") == "Đăng nhập"
    wrong = {k: mo.gettext(k) for k, v in wanted.items() if mo.gettext(k) != v}
    assert len(wanted) > 50 and not wrong


def test_print_settings_come_from_the_package_not_the_source_tree():
    path = runtime_file(*SETTINGS)
    assert str(path).endswith("print_templates/print_settings.json")
    assert load_print_settings()["batch"]["max_count"] > 0
    # print_templates/ is imported as fieldwork.print_templates, wherever it is installed
    import fieldwork.print_templates as pt
    assert Path(pt.__file__).parent.name == "print_templates"


def test_a_missing_run_time_file_is_named():
    with pytest.raises(RuntimeFileMissing) as err:
        read_text("fieldwork.print_templates", "no_such_settings.json")
    message = str(err.value)
    assert "fieldwork/print_templates/no_such_settings.json is missing" in message
    assert "Reinstall fieldwork" in message
    with pytest.raises(RuntimeFileMissing, match="fieldwork/nowhere/x.json is missing"):
        runtime_file("fieldwork.nowhere", "x.json")


def test_fieldwork_version():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert importlib.metadata.version("fieldwork") == version
    done = subprocess.run([sys.executable, "-c", "from fieldwork.cli import main; main()",
                           "--version"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"fieldwork {version}"
