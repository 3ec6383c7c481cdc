"""What a print batch knows before a respondent writes anything, and what it therefore prints.

A batch is printed for an agency (and optionally one of its fields), and a personalised
batch for drawn dossiers: that knowledge is printed, never asked. ``Imprint`` carries it
(pure data, no database); ``prepared`` turns a questionnaire into the one printed for it:

* ``agency``: printed in the header, never asked;
* ``field``: printed in the header when the batch is for one field, else asked as tick
  boxes of the agency's fields in the plan's scope (no boxes when none are known);
* ``dossier_code`` and ``procedure`` on a personalised form: the dossier is printed
  (procedure, date returned), so neither is asked; on a generic form the dossier code is
  not asked either (it is not free text a respondent should write), the procedure is;
* ``phone`` and ``citizen_id``: asked on generic forms only (a drawn dossier's contact
  data come from the frame).

The questions that are not printed are filled in from the sheet's record when the sheet
comes back (``known_answers``), so data keep one shape whatever the sheet asked.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from .spec import Option, Question, Questionnaire

AGENCY, FIELD, DOSSIER, PROCEDURE = "agency", "field", "dossier_code", "procedure"
CONTACT = ("phone", "citizen_id")
# Questions a sheet's record can answer (so they are printed or known, not asked).
IDENTITY = (AGENCY, FIELD, DOSSIER, PROCEDURE)
FIELD_TEXT = "Lĩnh vực của hồ sơ"
CONFIDENTIAL = ("Thông tin Ông/Bà cung cấp được giữ bí mật, chỉ dùng cho khảo sát và phúc tra; "
                "kết quả chỉ công bố dưới dạng tổng hợp.")


@dataclass(frozen=True)
class Header:
    """Who runs the survey, as the plan names them."""

    survey: str = ""
    commissioner: str = ""  # the commissioning body, e.g. UBND thành phố Đà Nẵng
    contractor: str = ""
    confidentiality: str = CONFIDENTIAL


@dataclass(frozen=True)
class Imprint:
    """A batch's printed context: header, agency, field (or the fields to tick), personalised.

    ``fields`` are ``(option code, name)`` pairs; ``max_pages`` the page budget (None: no
    limit beyond the printer's own).
    """

    header: Header = field(default_factory=Header)
    agency: str | None = None
    field_name: str | None = None
    fields: tuple[tuple[str, str], ...] = ()
    personal: bool = False
    max_pages: int | None = None


@dataclass(frozen=True)
class DossierText:
    """What a personalised sheet prints about its dossier so the respondent recognises it."""

    agency: str = ""  # when the batch holds several agencies' dossiers
    procedure: str = ""
    returned: str = ""  # dd/mm/yyyy

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) pairs to print, blank values left out."""
        out = [("Cơ quan giải quyết", self.agency), ("Thủ tục hành chính", self.procedure),
               ("Ngày trả kết quả", self.returned)]
        return [(label, value) for label, value in out if value]


def bound(imprint: Imprint | None) -> bool:
    """Whether the batch knows the sheet's agency (a generic batch for an agency, or drawn
    dossiers), so the identity questions are printed or known rather than asked."""
    return bool(imprint and (imprint.agency or imprint.personal))


def field_option(code: str, field_id: int) -> str:
    """The option code of a field's tick box: its code in lower case, else ``f<id>``."""
    low = (code or "").strip().lower()
    return low if re.fullmatch(r"[a-z0-9][a-z0-9_]{0,39}", low) else f"f{field_id}"


def asked_field(imprint: Imprint | None) -> bool:
    """Whether the sheet asks the respondent to tick the field."""
    return bool(imprint and imprint.agency and not imprint.personal and not imprint.field_name
                and len(imprint.fields) > 1)


def prepared(q: Questionnaire, imprint: Imprint | None) -> Questionnaire:
    """The questionnaire as printed for ``imprint`` (a copy; ``q`` is left unchanged).

    The field's tick boxes are not a question of the copy: the layout prints them in the
    identity band under the title (``field_question``), whatever the questionnaire asks.
    """
    if not bound(imprint):
        return q
    out = copy.deepcopy(q)
    drop = {AGENCY, FIELD, DOSSIER}
    if imprint.personal:
        drop |= {PROCEDURE, *CONTACT}
    for section in out.sections:
        section.questions = [x for x in section.questions if x.code not in drop]
    out.sections = [s for s in out.sections if s.questions]
    return out


def field_question(imprint: Imprint | None) -> Question | None:
    """The tick boxes of the agency's fields, when the sheet asks for the field."""
    if not asked_field(imprint):
        return None
    return Question(FIELD, "single", FIELD_TEXT, "Field of the dossier",
                    [Option(code, name) for code, name in imprint.fields], required=True)


def known_answers(imprint: Imprint | None, dossier: dict | None = None) -> dict[str, str]:
    """What the sheet's record answers for the identity questions it did not ask.

    ``dossier``: ``{"code", "procedure"}`` of a personalised sheet.
    """
    out: dict[str, str] = {}
    if not bound(imprint):
        return out
    if imprint.agency:
        out[AGENCY] = imprint.agency
    if imprint.field_name:
        out[FIELD] = imprint.field_name
    elif len(imprint.fields) == 1:
        out[FIELD] = imprint.fields[0][1]
    if dossier:
        out[DOSSIER] = dossier.get("code") or ""
        out[PROCEDURE] = dossier.get("procedure") or ""
    return out


def sample_imprint(max_pages: int | None = None, personal: bool = False) -> Imprint:
    """A representative batch (a ward with six fields) for benchmarks and previews."""
    return Imprint(
        Header("Khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan "
               "hành chính nhà nước thành phố Đà Nẵng năm 2026", "UBND thành phố Đà Nẵng",
               "Trung tâm Khảo sát và Tư vấn Độc lập"),
        agency="Phường Hải Châu",
        fields=(("ht", "Hộ tịch"), ("ct", "Chứng thực"), ("dd", "Đất đai"), ("xd", "Xây dựng"),
                ("dkkd", "Đăng ký kinh doanh"), ("ld", "Lao động, việc làm và bảo trợ xã hội")),
        personal=personal, max_pages=max_pages)
