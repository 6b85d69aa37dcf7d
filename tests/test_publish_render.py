"""The Urgent Action writers: every format renders, nothing hidden goes out, same input gives
the same bytes, right-to-left names are set right to left, and the leak gate's parts see all.

Every person here is invented. PDF rendering is slow: each file is rendered once per module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import re
import subprocess
import sys
import unicodedata
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
import weasyprint
from docx.opc.oxml import parse_xml
from pypdf import PdfReader, PdfWriter

from vault.errors import UsageError
from vault.publish import bidi, bundle, catalogue, markup
from vault.publish.document import FORMATS, Official, Person, UrgentAction, file_stem
from vault.publish.glyphs import missing_glyphs
from vault.publish.layout import layout
from vault.publish.parts import text_parts
from vault.publish.pdffile import MissingGlyphError
from vault.publish.render import bundle_digest, languages, render

ORG = "Casework Collective"
UYGHUR = "ئابدۇرېھىم ھېيتقۇلوۋ"  # invented: Abdurehim Heytqulov
KAZAKH = "Жанар Төлегенқызы"  # invented: Zhanar Tölegenqyzy
CHINESE = "阿布都热依木"
INJECTION = "5 * 3 [link](x) <b>bold</b> & co."
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def make(lang: str = "en", **changes: object) -> UrgentAction:
    fields: dict[str, object] = dict(
        lang=lang,
        number="061/21-1",
        follow_up=1,
        title="Uyghur and Kazakh families still without news",
        country="China",
        issued=dt.date(2021, 6, 3),
        published=dt.date(2026, 12, 3),
        organisation=ORG,
        document_index="ASA 17/4243/2021",
        closes=dt.date(2027, 1, 14),
        text=(
            f"Relatives of Zhanar Tölegenqyzy ({KAZAKH}) have had no news since 2019.",
            f"Ärger über die Verzögerung; élan, façade, O'Neil — {INJECTION}",
            "- not a list item",
        ),
        asks=(f"Disclose the whereabouts of {UYGHUR} and {CHINESE}.", "Release them."),
        officials=(
            Official(
                "Director, Regional Department of Justice",
                "Ms Invented Official",
                "12 Example Road\nÜrümqi 830000\nChina",
                "Dear Director",
            ),
        ),
        people=(
            Person(
                f"{UYGHUR} (Abdurehim Heytqulov)",
                (("Born", "1985"), ("Occupation", "teacher"), ("Name in Chinese", CHINESE)),
                ("He was taken from his home in Ghulja in March 2018.",),
            ),
            Person("Zhanar Tölegenqyzy", (("Name in Kazakh", KAZAKH),), ()),
        ),
    )
    fields.update(changes)
    return UrgentAction(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    doc = make()
    return {fmt: render(doc, fmt) for fmt in FORMATS}


# -- languages, catalogues, dates ---------------------------------------------------------------


def test_languages_are_the_catalogue_folders() -> None:
    folder = Path(catalogue.__file__).parent / "locale"
    on_disk = {p.parent.parent.name for p in folder.glob("*/LC_MESSAGES/casevault.po")}
    assert languages() == tuple(sorted(on_disk)) == ("de", "en", "fr")


def test_adding_a_catalogue_file_adds_a_language(monkeypatch: pytest.MonkeyPatch) -> None:
    spanish = (
        b'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        b'msgid "Date"\nmsgstr "Fecha"\n'
    )
    extra = (*bundle.bundle_files(), ("locale/xx/LC_MESSAGES/casevault.po", spanish))
    monkeypatch.setattr(catalogue, "bundle_files", lambda: extra)
    assert "xx" in catalogue.languages()
    assert catalogue.catalogue("xx").say("Date") == "Fecha"
    with pytest.raises(UsageError, match="no wording"):
        catalogue.catalogue("xx").say("Country")  # never a silent English fallback


def test_every_catalogue_words_every_message() -> None:
    english = catalogue.catalogue("en").messages
    assert len(english) >= 12
    for lang in languages():
        assert catalogue.catalogue(lang).messages == english, lang


def test_unknown_language_or_format_is_refused() -> None:
    with pytest.raises(UsageError, match="no catalogue for language 'es'"):
        render(make("es"), "md")
    with pytest.raises(UsageError, match="unknown format 'odt'"):
        render(make(), "odt")


@pytest.mark.parametrize(
    ("lang", "published", "closing", "banner"),
    [
        ("en", "3 December 2026", "Please take action before 14 January 2027.", "URGENT ACTION"),
        ("fr", "3 décembre 2026", "Merci d'agir avant le 14 janvier 2027.", "ACTION URGENTE"),
        ("de", "3. Dezember 2026", "Bitte handeln Sie vor dem 14. Januar 2027.", "EILAKTION"),
    ],
)
def test_dates_and_wording_in_each_language(
    lang: str, published: str, closing: str, banner: str
) -> None:
    page = layout(make(lang))
    assert page.details[0].value == published
    assert page.closing == closing
    assert page.banner == banner
    page_html = html.unescape(render(make(lang), "html").decode())
    assert published in page_html and banner in page_html and closing in page_html


def test_no_closing_line_without_a_deadline_and_no_follow_up_line_for_a_first_issue() -> None:
    page = layout(make(closes=None, follow_up=0, number="061/21", document_index=None))
    assert page.closing is None
    labels = [line.label for line in page.details]
    assert labels == ["Date", "Country"]
    md = render(make(closes=None, officials=()), "md").decode()
    assert "\n\n---\n" in md  # the rule is never read as a setext heading underline


def test_bundle_digest_names_every_template_and_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    names = [name for name, _ in bundle.bundle_files()]
    assert "templates/ua.html.j2" in names and "templates/ua.md.j2" in names
    assert "locale/fr/LC_MESSAGES/casevault.po" in names
    assert not any(name.endswith(".mo") for name in names)
    digest = bundle_digest()
    assert re.fullmatch(r"[0-9a-f]{64}", digest) and bundle_digest() == digest
    edited = tuple((n, d + b" " if n.endswith("ua.css") else d) for n, d in bundle.bundle_files())
    monkeypatch.setattr(bundle, "bundle_files", lambda: edited)
    assert bundle.bundle_digest() != digest


# -- right to left -------------------------------------------------------------------------------


def test_rtl_spans_keep_the_text_and_cut_at_strong_characters() -> None:
    text = f"Release {UYGHUR} (Abdurehim) now"
    pieces = bidi.spans(text)
    assert "".join(p for p, _ in pieces) == text
    assert [p for p, rtl in pieces if rtl] == [UYGHUR]  # the space inside stays, edges do not
    assert bidi.mostly_rtl(UYGHUR) and not bidi.mostly_rtl(text.replace(UYGHUR, "x"))


# -- DOCX ----------------------------------------------------------------------------------------


def test_docx_has_no_hidden_part_or_data(files: dict[str, bytes]) -> None:
    archive = zipfile.ZipFile(io.BytesIO(files["docx"]))
    names = archive.namelist()
    assert names[0] == "[Content_Types].xml"
    for forbidden in ("customXml", "thumbnail", "app.xml", "custom.xml", "comments", "people"):
        assert not any(forbidden in name for name in names), forbidden
    assert not any(name.endswith((".bin", ".jpeg", ".png", ".emf")) for name in names)
    for info in archive.infolist():
        assert info.date_time == (2026, 12, 3, 0, 0, 0), info.filename
        body = archive.read(info)
        for word in (b"rsid", b"python-docx", b"Microsoft", b"Macintosh", b"docId", b"Template"):
            assert word not in body, (info.filename, word)
        root = parse_xml(body)
        for element in root.iter():
            tag = str(element.tag)
            for kind in ("}ins", "}del", "}comment", "}customXml", "}docPr", "}attachedTemplate"):
                assert not tag.endswith(kind), (info.filename, tag)
            assert "descr" not in element.attrib  # no alt text


def test_docx_core_properties_name_the_organisation_and_the_publication_day(
    files: dict[str, bytes],
) -> None:
    core = zipfile.ZipFile(io.BytesIO(files["docx"])).read("docProps/core.xml").decode()
    assert f"<dc:creator>{ORG}</dc:creator>" in core
    assert f"<cp:lastModifiedBy>{ORG}</cp:lastModifiedBy>" in core
    assert core.count("2026-12-03T00:00:00Z") == 2
    assert "<cp:revision>1</cp:revision>" in core
    assert "description" not in core and "keywords" not in core
    settings = zipfile.ZipFile(io.BytesIO(files["docx"])).read("word/settings.xml").decode()
    assert "<w:removePersonalInformation/>" in settings


def test_docx_sets_uyghur_runs_right_to_left(files: dict[str, bytes]) -> None:
    body = parse_xml(zipfile.ZipFile(io.BytesIO(files["docx"])).read("word/document.xml"))
    rtl_texts, ltr_texts = [], []
    for run in body.iter(f"{W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        (rtl_texts if run.find(f"{W}rPr/{W}rtl") is not None else ltr_texts).append(text)
    assert rtl_texts.count(UYGHUR) >= 2  # the person's heading and the recommended action
    assert not any(bidi.is_rtl(c) for text in ltr_texts for c in text)
    assert all(bidi.is_rtl(text[0]) and bidi.is_rtl(text[-1]) for text in rtl_texts)
    bidi_paragraphs = [
        "".join(p.itertext()) for p in body.iter(f"{W}p") if p.find(f"{W}pPr/{W}bidi") is not None
    ]
    assert bidi_paragraphs == [f"{UYGHUR} (Abdurehim Heytqulov)"]  # mostly RTL, and only it
    reopened = docx.Document(io.BytesIO(files["docx"]))  # python-docx reads it back
    assert reopened.core_properties.author == ORG
    text = "".join(body.itertext())
    for expected in ("URGENT ACTION", "UA 061/21-1", KAZAKH, CHINESE, "Dear Director"):
        assert expected in text


# -- PDF -----------------------------------------------------------------------------------------


def test_pdf_metadata_is_the_organisation_and_the_publication_day(files: dict[str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(files["pdf"]))
    assert dict(reader.metadata or {}) == {
        "/Title": "UA 061/21-1: Uyghur and Kazakh families still without news",
        "/Author": ORG,
        "/Creator": ORG,
        "/CreationDate": "D:20261203000000Z",
        "/ModDate": "D:20261203000000Z",
    }
    root = reader.trailer["/Root"].get_object()
    assert "/Metadata" not in root and "/EmbeddedFiles" not in root.get("/Names", {})
    assert len(reader.trailer["/ID"]) == 2
    assert b"WeasyPrint" not in files["pdf"] and b"Producer" not in files["pdf"]


def test_pdf_streams_hold_no_tool_name(files: dict[str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(files["pdf"]))
    streams = 0
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if hasattr(obj, "get_data"):
            data = obj.get_data()  # every stream decompresses
            streams += 1
            for word in (b"WeasyPrint", b"weasyprint", b"pydyf", b"cairo"):
                assert word not in data
    assert streams >= 5


def test_pdftotext_reads_the_heading_and_every_script(
    files: dict[str, bytes], tmp_path: Path
) -> None:
    path = tmp_path / "ua.pdf"
    path.write_bytes(files["pdf"])
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    text = "".join(c for c in result.stdout.decode() if unicodedata.category(c) != "Cf")
    for expected in ("URGENT ACTION", "UA 061/21-1", "Tölegenqyzy", KAZAKH, CHINESE, "Ürümqi"):
        assert expected in text, expected
    assert UYGHUR in text


def test_every_glyph_of_the_fixture_is_drawn(files: dict[str, bytes]) -> None:
    assert missing_glyphs(files["pdf"]) == set()


@pytest.mark.parametrize("char", ["\ue000", "\u0378"])  # private use; unassigned
def test_a_character_no_font_draws_is_found_and_refused(char: str) -> None:
    source = f"<p style='font-family: \"Noto Sans\"'>Name {char} here</p>"
    assert char in missing_glyphs(weasyprint.HTML(string=source).write_pdf())
    with pytest.raises(MissingGlyphError, match=f"U\\+{ord(char):04X}") as refused:
        render(make(text=(f"Name {char} here",), people=(), asks=(), officials=()), "pdf")
    assert isinstance(refused.value, UsageError)


# -- HTML and Markdown ---------------------------------------------------------------------------


class _TextElements(HTMLParser):
    """Each element that holds text directly, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.holding: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("meta", "br"):
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip() and self.stack and self.stack[-1][0] not in ("style", "bdi"):
            self.holding.append(self.stack[-1])


def test_html_is_self_contained_and_marks_direction(files: dict[str, bytes]) -> None:
    page = files["html"].decode()
    assert not re.search(r"https?:|//|url\(|@import|src=|href=", page, re.IGNORECASE)
    assert "<script" not in page and "<link" not in page and "<img" not in page
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp is not None
    policy = html.unescape(csp.group(1))
    assert policy.startswith("default-src 'none'; style-src 'sha256-") and "unsafe" not in policy
    assert policy == markup.content_security_policy(markup.stylesheet())
    assert f"<style>{markup.stylesheet()}</style>" in page  # the hash covers exactly this
    parser = _TextElements()
    parser.feed(page)
    assert len(parser.holding) > 20
    for tag, attrs in parser.holding:
        assert attrs.get("dir") == "auto", tag
    assert f"<bdi>{UYGHUR}</bdi>" in page
    assert page.count("<bdi>") == 2
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co." in page and "<b>" not in page
    assert f'<meta name="author" content="{ORG}">' in page


def test_markdown_escapes_what_markdown_would_read(files: dict[str, bytes]) -> None:
    md = files["md"].decode()
    assert r"5 \* 3 \[link\]\(x\) \<b\>bold\</b\> \& co." in md
    assert "\n\\- not a list item\n" in md
    assert "# UA 061/21-1: Uyghur and Kazakh families still without news" in md
    assert UYGHUR in md and KAZAKH in md and CHINESE in md
    assert markup.md_escape("1. first") == r"1\. first"
    assert markup.md_escape("# not a heading") == r"\# not a heading"
    assert markup.md_escape("line\n\n> quote") == "line \\> quote"


# -- reproducible ----------------------------------------------------------------------------------


def test_same_document_same_bytes_twice(files: dict[str, bytes]) -> None:
    doc = make()
    for fmt in FORMATS:
        assert render(doc, fmt) == files[fmt], fmt


def test_same_document_same_bytes_in_another_process(files: dict[str, bytes]) -> None:
    script = (
        "import hashlib, sys; sys.path.insert(0, sys.argv[1]);"
        "from test_publish_render import make; from vault.publish.render import render;"
        "from vault.publish.document import FORMATS;"
        "print(' '.join(hashlib.sha256(render(make(), f)).hexdigest() for f in FORMATS))"
    )
    here = str(Path(__file__).parent)
    out = subprocess.run(
        [sys.executable, "-c", script, here], capture_output=True, check=True, text=True
    )
    expected = " ".join(hashlib.sha256(files[fmt]).hexdigest() for fmt in FORMATS)
    assert out.stdout.strip() == expected


def test_a_different_publication_day_changes_every_date(files: dict[str, bytes]) -> None:
    docx = render(make(published=dt.date(2027, 2, 1)), "docx")
    archive = zipfile.ZipFile(io.BytesIO(docx))
    assert {i.date_time for i in archive.infolist()} == {(2027, 2, 1, 0, 0, 0)}
    assert b"2027-02-01T00:00:00Z" in archive.read("docProps/core.xml")


# -- the leak gate's parts -----------------------------------------------------------------------


def _found(parts: list[tuple[str, str]], value: str) -> bool:
    return any(value in text for _, text in parts)


def test_text_parts_hold_the_names_in_every_format(files: dict[str, bytes]) -> None:
    doc = make()
    for fmt, data in files.items():
        name = f"{file_stem(doc)}.{fmt}"
        parts = text_parts(name, fmt, data)
        assert parts[0] == ("file name", name)
        for value in (KAZAKH, CHINESE, UYGHUR, "Tölegenqyzy", ORG, "O'Neil"):
            assert _found(parts, value), (fmt, value)


def test_text_parts_find_a_value_hidden_in_a_docx_part(files: dict[str, bytes]) -> None:
    source = zipfile.ZipFile(io.BytesIO(files["docx"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("docProps/custom.xml", '<?xml version="1.0"?><p v="HIDDEN-ATTR">x</p>')
        target.writestr("word/media/HIDDEN-NAME.bin", b"\x00HIDDEN-BYTES\x00")
        target.comment = b"HIDDEN-COMMENT"
    parts = text_parts("ua.docx", "docx", out.getvalue())
    for value in ("HIDDEN-ATTR", "HIDDEN-NAME", "HIDDEN-BYTES", "HIDDEN-COMMENT"):
        assert _found(parts, value), value


def test_text_parts_find_a_value_hidden_in_pdf_metadata_streams_and_strings(
    files: dict[str, bytes],
) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(files["pdf"]))
    writer.add_metadata({"/Keywords": "HIDDEN-INFO"})
    writer.add_attachment("notes.txt", "HIDDEN-ATTACHMENT".encode("utf-16-be"))
    writer.add_outline_item("HIDDEN-BOOKMARK", 0)
    out = io.BytesIO()
    writer.write(out)
    parts = text_parts("ua.pdf", "pdf", out.getvalue())
    for value in ("HIDDEN-INFO", "HIDDEN-ATTACHMENT", "HIDDEN-BOOKMARK", "notes.txt"):
        assert _found(parts, value), value


def test_text_parts_read_html_as_a_reader_sees_it() -> None:
    page = b"<p>Abdu<bdi>rehim</bdi> O&#39;Neil &#x416;</p>"
    parts = text_parts("ua.html", "html", page)
    assert _found(parts, "Abdurehim O'Neil Ж")
    assert _found(text_parts("ua.md", "md", rb"O\'Neil \[x\]"), "O'Neil [x]")
    with pytest.raises(UsageError):
        text_parts("ua.odt", "odt", b"")
