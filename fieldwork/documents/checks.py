"""What a user should know before signing a document: header lines that do not fit one line,
a missing signer, a malformed authority form. Messages in the user's language (Flask-Babel);
the document itself still lays out (long names on balanced lines, blank signing lines)."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _

from .decree import SIGN_FORMS, authority_problems
from .layout import header_layout
from .model import Document


def _cm(value: float) -> str:
    return format_decimal(value, "#,##0.00")


def header_problems(doc: Document) -> list[str]:
    """Lines of the header too long for their column, each with its width and the room."""
    parts = {"parent": _("The parent body"), "issuer": _("The issuing body"),
             "date": _("The place and date")}
    return [_("%(what)s “%(text)s” needs %(width)s cm at the size Decree 30 sets, but its "
              "header column leaves %(room)s cm: it is set on %(n)d lines. The short official "
              "form of the name keeps it on one line.", what=parts[o.part], text=o.text,
              width=_cm(o.width_cm), room=_cm(o.room_cm), n=o.lines)
            for o in header_layout(doc).overflow]


def signature_problems(doc: Document) -> list[str]:
    """A missing signer title or name, and authority lines that are not a Decree 30 form."""
    sign = doc.signature
    out = []
    if not sign.title.strip() and not sign.name.strip():
        out.append(_("No signer is set (title and name are empty): the signature block is "
                     "left blank to be filled in by hand. Set the signer in the plan's document "
                     "header."))
    elif not sign.name.strip():
        out.append(_("The signer's name is empty: it is left blank to be filled in by hand."))
    elif not sign.title.strip() and not sign.authority:
        out.append(_("The signer's title is empty (e.g. GIÁM ĐỐC)."))
    return out + authority_messages(sign.authority, sign.title)


def authority_messages(lines: list[str], title: str | None = None) -> list[str]:
    """Authority lines that are not a Decree 30 form; with ``title`` given, also a
    KT./TL./TUQ. form without the signer's own title."""
    out = []
    for code, values in authority_problems(lines, "-" if title is None else title):
        if code == "form":
            out.append(_("The authority line “%(line)s” must begin with one of %(forms)s (e.g. "
                         "“KT. GIÁM ĐỐC”).", line=values["line"], forms=", ".join(SIGN_FORMS)))
        elif code == "tm_first":
            out.append(_("“TM.” (on behalf of a collective body) comes first, above KT./Q./TL."))
        elif code == "two_forms":
            out.append(_("Use one of KT., Q., TL., TUQ. (after an optional TM. line), not "
                         "several."))
        else:
            out.append(_("With “%(form)s” the signer's own title goes on the next line: fill in "
                         "the signer title (e.g. PHÓ GIÁM ĐỐC).", form=values["form"]))
    return out


def problems(doc: Document) -> list[str]:
    """Every header and signature problem of ``doc``."""
    return header_problems(doc) + signature_problems(doc)
