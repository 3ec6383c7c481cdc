"""The frame's dossier lookup used by the self-completion page."""

from __future__ import annotations

from fieldwork.frames.lookup import find_dossier
from fieldwork.frames.models import FrameDossier
from fieldwork.privacy.crypto import blind_index, decrypt, encrypt


def test_find_dossier_by_code(db, factory):
    agency = factory.agency("Sở Tư pháp")
    survey = factory.survey("FR-L", agencies=[agency])
    other = factory.survey("FR-M", agencies=[agency])
    row = FrameDossier(survey_id=survey.id, code="HS-0001", agency_id=agency.id,
                       procedure="Cấp phiếu lý lịch tư pháp", late=True,
                       name_enc=encrypt("Nguyễn Thị Hoà"), phone_enc=encrypt("0912345678"),
                       phone_index=blind_index("phone", "0912 345 678"))
    db.session.add(row)
    db.session.commit()
    found = find_dossier(survey, " hs-0001 ")
    assert found is not None and found.id == row.id and found.late
    assert decrypt(found.name_enc) == "Nguyễn Thị Hoà"
    assert found.phone_index == blind_index("phone", "0912345678")
    assert find_dossier(survey.id, "HS-0001").id == row.id
    assert find_dossier(other, "HS-0001") is None
    assert find_dossier(survey, "") is None and find_dossier(survey, None) is None


def test_demo_frame_is_a_one_stop_export_of_the_smallest_agencies():
    """The demo's dossier list: Vietnamese headers, one row per dossier, distinct codes."""
    import csv
    import io

    from fieldwork.frames.demo import dossier_list

    data = dossier_list([("Sở Y tế", 30), ("Xã Bà Nà", 20)], ["HT", "DD"], 2026)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Mã hồ sơ", "Cơ quan", "Lĩnh vực"] and len(rows) == 51
    assert len({r[0] for r in rows[1:]}) == 50
    assert data == dossier_list([("Sở Y tế", 30), ("Xã Bà Nà", 20)], ["HT", "DD"], 2026)
