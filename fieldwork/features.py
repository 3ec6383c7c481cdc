"""The feature packages and how the app discovers their models, blueprints and commands.

Each package may provide ``models.py`` (tables), ``views.py`` / ``public.py`` with a ``bp``
blueprint, ``cli.py`` with a ``commands`` list of click commands, ``procedure.py`` with a
``register()`` that tells the six steps what the feature contributes (``plans.registry``),
``queues.py`` with a ``register()`` that adds its work queues (``fieldwork.queues``), and
``translations/``.
A module that does not exist yet is skipped; any other import error is raised.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from types import ModuleType

FEATURES = ("auth", "audit", "directory", "documents", "plans", "forms", "omr", "entry",
            "stats", "reports", "privacy", "imports", "quality", "frames", "online",
            "jobs", "deploy", "xlsx")
VIEW_MODULES = ("views", "public", "api")


def optional_module(name: str) -> ModuleType | None:
    """Import ``name`` or return None if that very module does not exist."""
    try:
        return import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name or (exc.name and name.startswith(exc.name + ".")):
            return None
        raise


def import_models() -> None:
    """Import every feature's models so the metadata and Alembic see all tables."""
    for feature in FEATURES:
        optional_module(f"fieldwork.{feature}.models")


def load_procedure() -> None:
    """Let every feature register its gate checks, effects, step panels and services."""
    for feature in FEATURES:
        module = optional_module(f"fieldwork.{feature}.procedure")
        if module is not None:
            module.register()


def load_queues() -> None:
    """Let every feature register its work queues (what waits for whom)."""
    for feature in FEATURES:
        module = optional_module(f"fieldwork.{feature}.queues")
        if module is not None:
            module.register()


def blueprints() -> list:
    """Blueprints of all features, in feature order."""
    found = []
    for feature in FEATURES:
        for mod in VIEW_MODULES:
            module = optional_module(f"fieldwork.{feature}.{mod}")
            if module is not None and hasattr(module, "bp"):
                found.append(module.bp)
    return found


def commands(attribute: str = "commands") -> list:
    """Click commands contributed by features' ``cli.py`` (``commands`` or ``bench_commands``)."""
    found = []
    for feature in FEATURES:
        module = optional_module(f"fieldwork.{feature}.cli")
        if module is not None:
            found.extend(getattr(module, attribute, []))
    return found


def translation_directories(root: str) -> str:
    """The app's catalogue plus one per feature that has ``translations/`` (';'-joined)."""
    dirs = ["translations"]
    for feature in FEATURES:
        if (Path(root) / feature / "translations").is_dir():
            dirs.append(f"{feature}/translations")
    return ";".join(dirs)
