"""Separate instances (own folder, database and data directory) for backup and restore tests."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from flask_migrate import upgrade

from fieldwork import create_app
from fieldwork.config import TestConfig
from fieldwork.extensions import db as _db

from ..factories import Factory


class Instance:
    """One fieldwork instance with its own app; ``ctx()`` enters its app context."""

    def __init__(self, root: Path, url: str | None, monkeypatch, migrate: bool = True):
        self.root = root
        self.data = root / "data"
        monkeypatch.setenv("FIELDWORK_INSTANCE", str(root))
        monkeypatch.delenv("DATABASE_URL", raising=False)
        monkeypatch.delenv("SECRET_KEY", raising=False)
        settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
        settings.update(SQLALCHEMY_DATABASE_URI=url or f"sqlite:///{root / 'fieldwork.db'}",
                        FIELDWORK_DATA_DIR=str(self.data))
        self.app = create_app(settings)
        if migrate:
            with self.ctx():
                upgrade()

    def ctx(self):
        """The app context of this instance."""
        return self.app.app_context()

    def cli(self, *args: str):
        """Run a fieldwork command against this instance."""
        return self.app.test_cli_runner().invoke(args=list(args))

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        from fieldwork.deploy.dbdump import facts
        with self.ctx():
            return facts(_db.engine)[1]

    def files(self) -> dict[str, bytes]:
        """Every data file's bytes by relative path."""
        return {p.relative_to(self.data).as_posix(): p.read_bytes()
                for p in sorted(self.data.rglob("*")) if p.is_file()}

    def close(self):
        with self.ctx():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture()
def make_instance(tmp_path, monkeypatch):
    """Build instances under the test's folder; their engines are closed at the end."""
    made = []

    def make(name: str, url: str | None = None, migrate: bool = True,
             demo=None) -> Instance:
        """``demo``: start from a copy of the loaded demo (the ``demo_template`` fixture)."""
        if demo is not None:
            from ..demo_year import copy
            url = copy(demo, tmp_path / name, None, name)
            migrate = False
        inst = Instance(tmp_path / name, url, monkeypatch, migrate)
        made.append(inst)
        return inst

    yield make
    for inst in made:
        inst.close()


def fill(inst: Instance) -> None:
    """A small year: users, agencies, a survey in scope, and data files (some binary)."""
    with inst.ctx():
        f = Factory(_db)
        a, b = f.agency(), f.agency()
        f.user("manager", email="quanly@test.vn")
        f.user("agency", agency=a)
        f.survey(code="T-BACKUP", agencies=[a, b])
    (inst.data / "scans" / "1").mkdir(parents=True, exist_ok=True)
    (inst.data / "scans" / "1" / "page-1.png").write_bytes(bytes(range(256)) * 40)
    (inst.data / "plans" / "survey-1").mkdir(parents=True, exist_ok=True)
    (inst.data / "plans" / "survey-1" / "kế hoạch.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00" * 999)
    (inst.data / "empty-folder").mkdir(exist_ok=True)


def rewrite(archive: Path, out: Path, change=None, extra: list | None = None) -> None:
    """Copy a backup archive, letting ``change(name, data)`` alter members and adding ``extra``
    members as (TarInfo, bytes or None)."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(out, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read() if member.isreg() else None
            if change is not None and data is not None:
                data = change(member.name, data)
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data) if data is not None else None)
        for info, data in extra or []:
            if data is not None:
                info.size = len(data)
            dst.addfile(info, io.BytesIO(data) if data is not None else None)
