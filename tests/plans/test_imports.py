"""The six-step procedure knows no feature: no module of ``fieldwork/plans`` imports one.

Every import statement of every module (top level and inside functions) is read from the
syntax tree, relative imports resolved, and so are string imports (``import_module`` and
``optional_module`` with a constant name). Only the foundation every feature stands on may
be imported; what a step needs from a feature comes through ``plans.registry``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fieldwork.features import FEATURES

PLANS = Path(__file__).resolve().parents[2] / "fieldwork" / "plans"
# Users and roles, the audit log, the directory of agencies and fields, and the Decree 30
# document builder (which imports no feature: tests/documents/test_imports.py): the ground
# every feature (plans included) stands on.
FOUNDATION = {"auth", "audit", "directory", "documents", "plans"}
FORBIDDEN = set(FEATURES) - FOUNDATION


def _module_name(path: Path) -> str:
    rel = path.relative_to(PLANS.parent.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        parts = module.split(".")
        if not is_package:
            parts = parts[:-1]
        parts = parts[:len(parts) - (node.level - 1)]
        base = ".".join(parts + ([node.module] if node.module else []))
    if node.module is None:  # ``from .. import audit``: each name is a module
        return [f"{base}.{a.name}" for a in node.names]
    return [base]


def imported(path: Path) -> set[str]:
    """Every module name ``path`` imports, statically or by a constant string."""
    return imported_from(path.read_text(encoding="utf-8"), _module_name(path),
                         path.name == "__init__.py")


def imported_from(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module name the code ``source`` of ``module`` imports."""
    tree = ast.parse(source)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.update(_resolve(module, is_package, node))
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ("import_module", "optional_module", "__import__") and node.args \
                    and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def feature_of(name: str) -> str | None:
    """The feature package a module name belongs to, or None outside fieldwork's features."""
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] == "fieldwork" and parts[1] in FEATURES:
        return parts[1]
    return None


MODULES = sorted(PLANS.rglob("*.py"))


def test_every_module_is_walked():
    names = {p.name for p in MODULES}
    assert {"workflow.py", "registry.py", "progress.py", "operations_steps.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PLANS)))
def test_plans_module_imports_no_feature(path):
    bad = sorted(n for n in imported(path) if feature_of(n) in FORBIDDEN)
    assert not bad, f"{path.relative_to(PLANS)} imports {bad}; register what the step needs"


def test_the_walker_sees_relative_function_level_and_string_imports():
    source = ("from .models import Survey\n"
              "def f():\n    from ..reports.drafts import x\n"
              "    from .. import stats\n    import fieldwork.omr.models\n"
              "    optional_module('fieldwork.entry.api')\n")
    found = imported_from(source, "fieldwork.plans.probe")
    assert "fieldwork.plans.models" in found
    assert {"fieldwork.reports.drafts", "fieldwork.stats", "fieldwork.omr.models",
            "fieldwork.entry.api"} <= found
    assert {feature_of(n) for n in found} >= {"reports", "stats", "omr", "entry"}
