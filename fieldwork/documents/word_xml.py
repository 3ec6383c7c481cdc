"""WordprocessingML details python-docx has no API for: exact table grids, repeated header
rows, cell margins, rules, the PAGE field, the draft watermark, styles and language."""

from __future__ import annotations

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from .fonts import FAMILY

TWIPS_PER_CM = 1440 / 2.54
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LANG = "vi-VN"


def twips(cm: float) -> int:
    """Centimetres as twentieths of a point, the unit of table grids."""
    return int(round(cm * TWIPS_PER_CM))


# Schema order of the property elements this module writes (Word rejects other orders).
ORDER = {
    "w:tblPr": ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual",
                "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
                "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"),
    "w:pPr": ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
              "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd",
              "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
              "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
              "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
              "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
              "w:sectPr", "w:pPrChange"),
    "w:rPr": ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
              "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint",
              "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing",
              "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
              "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
              "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath"),
}


def _tag(el) -> str:
    return "w:" + el.tag.split("}")[1] if el.tag.startswith("{" + W_NS) else el.tag


def put(parent, el, order_of: str):
    """Insert ``el`` into ``parent`` in schema order, replacing a child of the same tag."""
    order = ORDER[order_of]
    name = _tag(el)
    for old in parent.findall(qn(name)):
        parent.remove(old)
    rank = order.index(name)
    for i, child in enumerate(parent):
        if _tag(child) in order and order.index(_tag(child)) > rank:
            parent.insert(i, el)
            return el
    parent.append(el)
    return el


def _el(tag: str, **attrs):
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(k), str(v))
    return el


def table_geometry(table, widths_cm, align: str | None = None) -> None:
    """Fixed layout whose grid columns equal the cells' widths (LibreOffice follows the
    grid, Word the cells: both must agree), total width set, optional alignment."""
    cols = [twips(w) for w in widths_cm]
    tbl = table._tbl
    tblPr = tbl.tblPr
    put(tblPr, _el("w:tblW", **{"w:w": sum(cols), "w:type": "dxa"}), "w:tblPr")
    put(tblPr, _el("w:tblLayout", **{"w:type": "fixed"}), "w:tblPr")
    if align:
        put(tblPr, _el("w:jc", **{"w:val": align}), "w:tblPr")
    grid = tbl.tblGrid
    for old in list(grid):
        grid.remove(old)
    for w in cols:
        grid.append(_el("w:gridCol", **{"w:w": w}))
    for row in table.rows:
        for tc, w in zip(row._tr.tc_lst, cols, strict=True):
            tcW = tc.get_or_add_tcPr().get_or_add_tcW()
            tcW.set(qn("w:w"), str(w))
            tcW.set(qn("w:type"), "dxa")


def cell_margins(table, left_cm: float = 0.0, right_cm: float = 0.0,
                 vertical_cm: float = 0.0) -> None:
    """The table's default cell margins (0: text uses the whole column)."""
    mar = OxmlElement("w:tblCellMar")
    for side, cm in (("top", vertical_cm), ("left", left_cm), ("bottom", vertical_cm),
                     ("right", right_cm)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips(cm)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    put(table._tbl.tblPr, mar, "w:tblPr")


def borders(table, visible: bool) -> None:
    """All borders single 0.5 pt, or none."""
    el = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{edge}")
        if visible:
            for k, v in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"),
                         ("w:color", "000000")):
                b.set(qn(k), v)
        else:
            b.set(qn("w:val"), "nil")
        el.append(b)
    put(table._tbl.tblPr, el, "w:tblPr")


def header_row(row) -> None:
    """Repeat this row at the top of every page the table runs onto."""
    row._tr.get_or_add_trPr().append(_el("w:tblHeader"))


def cant_split(row) -> None:
    """Keep the row on one page."""
    row._tr.get_or_add_trPr().insert(0, _el("w:cantSplit"))


def bottom_border(paragraph) -> None:
    """A solid 0.5 pt rule under the paragraph (its indents set the length)."""
    pPr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    put(pPr, bdr, "w:pPr")


def page_field(paragraph, size_pt: float) -> None:
    """The current page number as a PAGE field, at ``size_pt``."""
    size = int(size_pt * 2)
    fld = parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:rPr>'
                    f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr><w:t>2</w:t></w:r>'
                    "</w:fldSimple>")
    paragraph._p.append(fld)


_SHAPETYPE = (
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/>'
    '<v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/>'
    '<v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/>'
    '<v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>'
    '<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>'
    '<v:f eqn="sum @6 0 @5"/></v:formulas><v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" '
    'xrange="6629,14971"/></v:handles><o:lock v:ext="edit" text="t" shapetype="t"/>'
    "</v:shapetype>")


def watermark(paragraph, text: str, shape_id: str) -> None:
    """A diagonal grey text watermark behind the page (Word's own VML form, which Word and
    LibreOffice both show as a watermark)."""
    from xml.sax.saxutils import quoteattr
    xml = (
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:o="urn:schemas-microsoft-com:office:office"><w:rPr><w:noProof/></w:rPr><w:pict>'
        f"{_SHAPETYPE}"
        f'<v:shape id="{shape_id}" o:spid="_x0000_s{abs(hash(shape_id)) % 9000 + 1000}" '
        'type="#_x0000_t136" style="position:absolute;margin-left:0;margin-top:0;'
        "width:440pt;height:110pt;rotation:315;z-index:-251654144;"
        "mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
        'mso-position-vertical:center;mso-position-vertical-relative:margin" '
        'o:allowincell="f" fillcolor="#a6a6a6" stroked="f"><v:fill opacity=".4"/>'
        f'<v:textpath style="font-family:&quot;{FAMILY}&quot;;font-size:1pt;font-weight:bold" '
        f"string={quoteattr(text)}/></v:shape></w:pict></w:r>")
    paragraph._p.append(parse_xml(xml))


def lang_and_fonts(rPr, size_pt: float | None = None) -> None:
    """Set the serif in every script slot, the size, and the language vi-VN on run
    properties (a style's or the document defaults')."""
    put(rPr, _el("w:rFonts", **{k: FAMILY for k in ("w:ascii", "w:hAnsi", "w:eastAsia",
                                                     "w:cs")}), "w:rPr")
    if size_pt:
        put(rPr, _el("w:sz", **{"w:val": int(size_pt * 2)}), "w:rPr")
        put(rPr, _el("w:szCs", **{"w:val": int(size_pt * 2)}), "w:rPr")
    put(rPr, _el("w:lang", **{"w:val": LANG, "w:eastAsia": LANG, "w:bidi": "ar-SA"}), "w:rPr")
