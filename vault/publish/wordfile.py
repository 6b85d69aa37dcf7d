"""A Word document (DOCX) of a :class:`~vault.publish.layout.Layout`, with python-docx. Pure.

Nothing hidden goes out. python-docx starts from a template made in Word: its thumbnail,
``app.xml`` (application name and version), custom XML, theme, ``stylesWithEffects`` and
``webSettings`` parts are dropped before saving; the core properties are rebuilt with the
organisation as author and the publication date as every date; ``settings.xml`` loses its
revision ids (rsids), document id and proofing state and asks Word to strip personal data on
later saves. The saved zip is then rewritten part by part: every ``rsid`` attribute removed
from every XML part, every entry dated the publication day at 00:00:00, fixed order and
compression, so the same document gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from docx import Document
from docx.opc.oxml import parse_xml, serialize_part_xml
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from vault.publish import bidi
from vault.publish.layout import Layout, Line

_DROPPED_RELATIONSHIPS = (
    "/metadata/thumbnail",
    "/extended-properties",
    "/customXml",
    "/stylesWithEffects",
    "/webSettings",
    "/custom-properties",
    "/theme",  # Office's theme: vendor font lists; every style names its Noto fonts instead
)
# settings.xml children dropped by local name (w:, w14:, w15: ...): revision ids, document ids,
# proofing state, a request to save a thumbnail, the path of the template, document variables.
_DROPPED_SETTINGS = frozenset(
    {"rsids", "docId", "proofState", "savePreviewPicture", "attachedTemplate", "docVars"}
)
# Elements of w:pPr and w:rPr that the schema puts after w:bidi and w:rtl respectively.
_AFTER_BIDI: tuple[str, ...] = (
    *("adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents"),
    *("suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap"),
    *("outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
)
_AFTER_RTL = ("cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")
FONTS = {"ascii": "Noto Sans", "hAnsi": "Noto Sans", "eastAsia": "Noto Sans CJK SC"}
FONTS["cs"] = "Noto Naskh Arabic"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _insert_in_order(parent: Any, child: Any, after: tuple[str, ...]) -> None:
    """Insert ``child`` before the first element the schema puts after it, else append."""
    later = {qn(f"w:{tag}") for tag in after}
    for index, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(index, child)
            return
    parent.append(child)


def _text(paragraph: object, text: str, *, bold: bool = False) -> None:
    """Add ``text`` to ``paragraph`` as runs; a right-to-left span is its own ``w:rtl`` run."""
    for piece, rtl in bidi.spans(text):
        run = paragraph.add_run(piece)  # type: ignore[attr-defined]
        run.bold = bold or None
        if rtl:
            rpr = run._r.get_or_add_rPr()
            if bold:
                _insert_in_order(rpr, OxmlElement("w:bCs"), ("i", "iCs", "caps", *_AFTER_RTL))
            _insert_in_order(rpr, OxmlElement("w:rtl"), _AFTER_RTL)


def _paragraph(document: object, text: str, style: str | None = None, **kw: bool) -> object:
    paragraph = document.add_paragraph(style=style)  # type: ignore[attr-defined]
    _text(paragraph, text, **kw)
    _direction(paragraph, text)
    return paragraph


def _direction(paragraph: object, text: str) -> None:
    if bidi.mostly_rtl(text):
        ppr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
        _insert_in_order(ppr, OxmlElement("w:bidi"), _AFTER_BIDI)


def _line(document: object, line: Line) -> None:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    _text(paragraph, f"{line.label}: ", bold=True)
    _text(paragraph, line.value)
    _direction(paragraph, f"{line.label}: {line.value}")


def _styles(document: object, lang: str) -> None:
    """Noto fonts for every script in every style, no theme fonts; the document's language."""
    styles = document.styles.element  # type: ignore[attr-defined]
    for fonts in styles.iter(qn("w:rFonts")):
        for attribute in list(fonts.attrib):
            if attribute.endswith("Theme"):
                del fonts.attrib[attribute]
        for slot, family in FONTS.items():
            fonts.set(qn(f"w:{slot}"), family)
    for language in styles.iter(qn("w:lang")):
        language.attrib.clear()
        language.set(qn("w:val"), lang)
        language.set(qn("w:eastAsia"), "zh-CN")
        language.set(qn("w:bidi"), "ug-CN")
    document.styles["Normal"].font.size = Pt(10.5)  # type: ignore[attr-defined]


def _prune(document: object) -> None:
    package = document.part.package  # type: ignore[attr-defined]
    for rels in (package.rels, document.part.rels):  # type: ignore[attr-defined]
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(_DROPPED_RELATIONSHIPS):
                del rels[rid]
    settings = document.settings.element  # type: ignore[attr-defined]
    for element in list(settings):
        if str(element.tag).rpartition("}")[2] in _DROPPED_SETTINGS:
            settings.remove(element)
    zoom = settings.find(qn("w:zoom"))
    position = 0 if zoom is None else list(settings).index(zoom) + 1
    for tag in ("w:removeDateAndTime", "w:removePersonalInformation"):
        settings.insert(position, OxmlElement(tag))


def _core_properties(document: object, layout: Layout) -> None:
    props = document.core_properties  # type: ignore[attr-defined]
    element = props._element  # python-docx has no API to remove a property; clear them all
    for child in list(element):
        element.remove(child)
    midnight = dt.datetime.combine(layout.published, dt.time(0, 0))
    props.title = layout.meta_title
    props.author = layout.author
    props.last_modified_by = layout.author
    props.revision = 1
    props.created = midnight
    props.modified = midnight
    props.language = layout.lang


def _body(document: object, layout: Layout) -> None:
    _paragraph(document, layout.banner, "Title")
    _paragraph(document, layout.headline, "Subtitle")
    _paragraph(document, layout.title, "Heading 1")
    for line in layout.details:
        _line(document, line)
    for text in layout.text:
        _paragraph(document, text)
    if layout.people:
        _paragraph(document, layout.people_heading, "Heading 2")
    for person in layout.people:
        _paragraph(document, person.heading, "Heading 3")
        for line in person.facts:
            _line(document, line)
        for text in person.paragraphs:
            _paragraph(document, text)
    if layout.asks:
        _paragraph(document, layout.asks_heading, "Heading 2")
    for ask in layout.asks:
        _paragraph(document, ask, "List Number")
    if layout.officials:
        _paragraph(document, layout.officials_heading, "Heading 2")
    for official in layout.officials:
        _paragraph(document, official.title, bold=True)
        _paragraph(document, official.name)
        for address_line in official.address:
            _paragraph(document, address_line)
        if official.salutation:
            _line(document, official.salutation)
    if layout.closing:
        _paragraph(document, layout.closing, bold=True)
    _paragraph(document, layout.imprint)


def _scrub(data: bytes) -> bytes:
    """An XML part without revision ids (``w:rsid*`` attributes and elements)."""
    root = parse_xml(data)  # type: ignore[arg-type]  # python-docx's parser: no entities, no network
    for element in root.iter():
        for attribute in list(element.attrib):
            if attribute.startswith(f"{{{_W}}}rsid"):
                del element.attrib[attribute]
    revision_ids = [e for e in root.iter() if str(e.tag).startswith(f"{{{_W}}}rsid")]
    for element in revision_ids:
        element.getparent().remove(element)
    out: bytes = serialize_part_xml(root)
    return out


def _normalised_zip(data: bytes, day: dt.date) -> bytes:
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    names = sorted(parts, key=lambda name: (name != "[Content_Types].xml", name))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            body = parts[name]
            if name.endswith((".xml", ".rels")):
                body = _scrub(body)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, body, compresslevel=9)
    return out.getvalue()


def _a4(document: Any) -> None:
    """A4 with the PDF's margins (python-docx's template is US Letter)."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(22)
        section.left_margin = section.right_margin = Mm(18)


def docx(layout: Layout) -> bytes:
    """The document as DOCX bytes: same layout, same bytes."""
    document = Document()
    _a4(document)
    _prune(document)
    _styles(document, layout.lang)
    _core_properties(document, layout)
    _body(document, layout)
    saved = io.BytesIO()
    document.save(saved)
    return _normalised_zip(saved.getvalue(), layout.published)
