"""Agency aliases: the names imports accept besides an agency's own (one at a time from a
dry run's unknown names, or a CSV/XLSX list), each checked, flushed and audited.

One name, one agency: a name already taken by another agency (as its name or an alias) is
refused, and a list that gives one name to two agencies is refused whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.operations import record
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..plans.operations import require
from .matching import agency_key, fold
from .models import Agency, AgencyAlias, AliasKind

NAME_MAX = 200
KIND_WORDS = {AliasKind.FORMER: ("former", "ten cu", "cu", "truoc sap nhap", "truoc 7/2025"),
              AliasKind.OTHER: ("other", "khac", "ten khac", "cach viet khac", "")}


def known_names() -> list[tuple[int, str]]:
    """(agency id, name) of every agency's own name and of every alias (for imports)."""
    own = db.session.execute(select(Agency.id, Agency.name)).all()
    aliases = db.session.execute(select(AgencyAlias.agency_id, AgencyAlias.name)).all()
    return [(a, n) for a, n in own] + [(a, n) for a, n in aliases]


def _taken(key: str) -> tuple[str, int] | None:
    """('agency' or 'alias', agency id) holding ``key`` already, or None."""
    for agency in db.session.scalars(select(Agency)):
        if agency_key(agency.name) == key:
            return "agency", agency.id
    alias = db.session.scalar(select(AgencyAlias).where(AgencyAlias.key == key))
    return ("alias", alias.agency_id) if alias is not None else None


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise OperationError(_("Write the other name of the agency."))
    if len(name) > NAME_MAX:
        raise OperationError(_("A name has at most %(n)d characters.", n=NAME_MAX))
    return name


def add_alias(agency: Agency, data: dict, user) -> AgencyAlias:
    """Let imports know ``agency`` also as ``data["name"]`` (kind, note optional)."""
    require(user, RoleName.MANAGER)
    name = _check_name(data.get("name", ""))
    key = agency_key(name)
    taken = _taken(key)
    if taken is not None:
        holder = db.session.get(Agency, taken[1])
        if taken[1] == agency.id:
            raise OperationError(_("“%(name)s” already means %(agency)s; nothing to add.",
                                   name=name, agency=agency.name))
        raise OperationError(_("“%(name)s” already means another agency, %(other)s: one name "
                               "cannot point at two agencies.", name=name, other=holder.name))
    row = AgencyAlias(agency_id=agency.id, name=name, key=key,
                      kind=AliasKind(data.get("kind") or AliasKind.OTHER),
                      note=(data.get("note") or "")[:500],
                      created_by_label=getattr(user, "email", None) or str(user))
    db.session.add(row)
    db.session.flush()
    record(user, "directory.alias_add", row, after={
        "agency": agency.name, "alias": name, "kind": row.kind.value, "note": row.note})
    return row


@dataclass
class AliasReport:
    """What a list of aliases holds: new ones, ones already known, and problems."""

    new: list[tuple[str, str]] = field(default_factory=list)  # (alias, agency)
    known: int = 0
    errors: list[str] = field(default_factory=list)
    committed: bool = False


def _kind(text: str) -> AliasKind:
    key = fold(text or "")
    for kind, words in KIND_WORDS.items():
        if key in words:
            return kind
    raise ValueError(str(_l("“%(v)s” is not a kind of name: former or other.", v=text)))


def alias_fields():
    """The columns of an alias list: the other name, the agency, kind and note."""
    from ..imports.parsers import agency_parser, parse_text
    from ..imports.tabular import FieldSpec
    agencies = db.session.execute(select(Agency.id, Agency.name)).all()
    return [
        FieldSpec("alias", str(_l("Other name")), parse_text(NAME_MAX),
                  synonyms=("alias", "ten khac", "ten cu", "ten goi khac", "ten trong tep")),
        FieldSpec("agency", str(_l("Agency")), agency_parser(agencies),
                  synonyms=("co quan", "don vi", "ten trong danh muc", "agency", "ten moi")),
        FieldSpec("kind", str(_l("Kind")), _kind, required=False,
                  synonyms=("loai", "kind")),
        FieldSpec("note", str(_l("Note")), parse_text(500), required=False,
                  synonyms=("ghi chu", "note", "can cu")),
    ]


def import_aliases(stream: BinaryIO, name: str, user, dry_run: bool = False) -> AliasReport:
    """Add the aliases of a CSV or XLSX list (alias, agency, kind?, note?): all or none.

    Every problem is listed at once (a bad row, a name given to two agencies, a name that
    already means another agency); with any, or in a dry run, nothing is added."""
    from ..imports.tabular import TabularError, guess_mapping, open_table, parse_rows

    require(user, RoleName.MANAGER)
    fields = alias_fields()
    labels = {f.name: f.label for f in fields}
    report = AliasReport()
    try:
        table = open_table(stream, name, fields)
        rows = list(parse_rows(table, guess_mapping(table.headers, fields), fields,
                               number_repeats=False))
    except TabularError as exc:
        raise OperationError(str(exc)) from None
    names = dict(db.session.execute(select(Agency.id, Agency.name)).all())
    in_file: dict[str, tuple[int, int]] = {}  # key -> (line, agency id)
    wanted = []
    for r in rows:
        if not r.ok:
            report.errors += [_("Row %(line)d, %(field)s: %(msg)s", line=r.line,
                                field=labels[f], msg=m) for f, m in r.errors.items()]
            continue
        alias, agency_id = " ".join(r.values["alias"].split()), r.values["agency"]
        key = agency_key(alias)
        first = in_file.get(key)
        if first is not None and first[1] != agency_id:
            report.errors.append(_(
                "Row %(line)d: “%(name)s” points at %(a)s, but row %(first)d points it at "
                "%(b)s; one name cannot point at two agencies.", line=r.line, name=alias,
                a=names[agency_id], first=first[0], b=names[first[1]]))
            continue
        if first is not None:
            continue
        in_file[key] = (r.line, agency_id)
        taken = _taken(key)
        if taken is not None and taken[1] == agency_id:
            report.known += 1
        elif taken is not None:
            report.errors.append(_("Row %(line)d: “%(name)s” already means %(other)s.",
                                   line=r.line, name=alias, other=names[taken[1]]))
        else:
            wanted.append((alias, agency_id, r.values))
    report.new = [(alias, names[aid]) for alias, aid, _v in wanted]
    if report.errors or dry_run:
        return report
    for alias, aid, values in wanted:
        db.session.add(AgencyAlias(agency_id=aid, name=alias, key=agency_key(alias),
                                   kind=values.get("kind") or AliasKind.OTHER,
                                   note=values.get("note") or "",
                                   created_by_label=getattr(user, "email", None) or str(user)))
    db.session.flush()
    record(user, "directory.alias_import", object_type="agency_aliases", after={
        "file": name, "added": [f"{a} → {g}" for a, g in report.new], "known": report.known})
    report.committed = True
    return report
