"""The DOCX package after python-docx has written it: the four serif faces embedded
(obfuscated as ECMA-376 Part 1, 17.8.1 asks), and the template's stray thumbnail removed."""

from __future__ import annotations

import io
import re
import uuid
import zipfile

from .fonts import FAMILY, serif_faces

FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
FONT_TYPE = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
EMBED = {"regular": "embedRegular", "bold": "embedBold", "italic": "embedItalic",
         "bold_italic": "embedBoldItalic"}
THUMBNAIL = "docProps/thumbnail.jpeg"


def obfuscate(data: bytes, key: str) -> bytes:
    """XOR the first 32 bytes with the GUID's 16 bytes in reverse order (the same operation
    undoes it)."""
    guid = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ guid[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def _font_entry(keys: dict) -> str:
    embeds = "".join(f'<w:{EMBED[face]} r:id="rIdFont{i}" w:fontKey="{keys[face]}"/>'
                     for i, face in enumerate(EMBED, 1))
    return (f'<w:font w:name="{FAMILY}"><w:panose1 w:val="02020603050405020304"/>'
            '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/>'
            '<w:sig w:usb0="E0000AFF" w:usb1="500078FF" w:usb2="00000021" w:usb3="00000000" '
            f'w:csb0="000001BF" w:csb1="00000000"/>{embeds}</w:font>')


def finish_package(data: bytes) -> bytes:
    """Embed the serif in ``data`` (a DOCX from python-docx) and drop its thumbnail."""
    faces = serif_faces()
    keys = {face: "{" + str(uuid.uuid4()).upper() + "}" for face in EMBED}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            name = item.filename
            if name == THUMBNAIL:
                continue
            body = src.read(name)
            if name == "[Content_Types].xml":
                text = body.decode("utf-8")
                text = re.sub(r'<Override PartName="/docProps/thumbnail.jpeg"[^>]*/>', "", text)
                text = re.sub(r'<Default Extension="jpeg"[^>]*/>', "", text) \
                    if "jpeg" not in "".join(n for n in src.namelist() if n != THUMBNAIL) \
                    else text
                text = text.replace(
                    "</Types>", f'<Default Extension="odttf" ContentType="{FONT_TYPE}"/></Types>')
                body = text.encode("utf-8")
            elif name == "docProps/app.xml":
                body = re.sub(rb"<Application>[^<]*</Application>",
                              b"<Application>fieldwork</Application>", body)
            elif name == "_rels/.rels":
                body = re.sub(rb'<Relationship [^>]*Target="docProps/thumbnail.jpeg"[^>]*/>',
                              b"", body)
            elif name == "word/fontTable.xml":
                text = body.decode("utf-8")
                text = re.sub(rf'<w:font w:name="{FAMILY}">.*?</w:font>', "", text, flags=re.S)
                body = text.replace("</w:fonts>", _font_entry(keys) + "</w:fonts>").encode()
            elif name in ("word/settings.xml", "word/stylesWithEffects.xml"):
                text = body.decode("utf-8").replace('w:val="en-US"', 'w:val="vi-VN"')
                if name.endswith("settings.xml") and "<w:embedTrueTypeFonts" not in text:
                    # Word keeps the fonts in the file when it saves it again.
                    # Schema order: after w:view and w:zoom, before everything else here.
                    anchor = (r"(<w:zoom[^>]*/>)" if "<w:zoom" in text
                              else r"(<w:settings[^>]*>)")
                    text = re.sub(anchor, r"\1<w:embedTrueTypeFonts/>", text, count=1)
                body = text.encode("utf-8")
            dst.writestr(item, body)
        rels = "".join(f'<Relationship Id="rIdFont{i}" Type="{FONT_REL}" '
                       f'Target="fonts/font{i}.odttf"/>' for i, _face in enumerate(EMBED, 1))
        dst.writestr("word/_rels/fontTable.xml.rels",
                     '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                     f'relationships">{rels}</Relationships>')
        for i, face in enumerate(EMBED, 1):
            dst.writestr(f"word/fonts/font{i}.odttf", obfuscate(faces.data(face), keys[face]))
    return out.getvalue()
