"""HTML and Markdown from the Jinja2 templates of the bundle. Pure (reads package data only).

Every value a template prints passes the environment's ``finalize``: in HTML it is escaped and
each right-to-left span wrapped in ``<bdi>``; in Markdown every Markdown-significant character is
backslash-escaped. A template cannot print a raw value by forgetting a filter.

The HTML is self-contained: its one stylesheet is inline and the Content-Security-Policy allows
that stylesheet alone (by hash), no script, image, font, frame or connection.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from typing import Any

from jinja2 import BaseLoader, Environment, StrictUndefined, TemplateNotFound, select_autoescape
from markupsafe import Markup, escape

from vault.publish import bidi
from vault.publish.bundle import TEMPLATES, bundle_files
from vault.publish.layout import Layout

HTML_TEMPLATE = "ua.html.j2"
MD_TEMPLATE = "ua.md.j2"
STYLESHEET = "ua.css"


class _BundleLoader(BaseLoader):
    """Templates from the bundle's bytes, the same bytes :func:`bundle_digest` covers."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, None, Any]:
        files = dict(bundle_files())
        name = f"{TEMPLATES}/{template}"
        if name not in files:
            raise TemplateNotFound(template)
        return files[name].decode("utf-8"), None, lambda: True


def isolate(value: object) -> Markup:
    """``value`` HTML-escaped, each right-to-left span inside ``<bdi>``."""
    if isinstance(value, Markup):
        return value
    text = "" if value is None else str(value)
    out = Markup("")
    for piece, rtl in bidi.spans(text):
        out += Markup("<bdi>%s</bdi>") % piece if rtl else escape(piece)
    return out


# Every ASCII punctuation CommonMark gives a meaning to inline; a backslash makes it literal.
_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>()#+!|~&$])")
# Constructs that only mean something at the start of a line: list items, quotes, headings,
# setext underlines, thematic breaks, ordered list numbers.
_MD_LINE_START = re.compile(r"^(\s*)([-=+>:]|\d+(?=[.)]))")


def md_escape(value: object) -> str:
    """``value`` as Markdown text that renders as itself; line breaks become spaces."""
    text = " ".join(str("" if value is None else value).split())
    text = _MD_INLINE.sub(r"\\\1", text)
    match = _MD_LINE_START.match(text)
    if match and match.group(2)[0].isdigit():
        end = match.end()
        return text[:end] + "\\" + text[end:]
    if match:
        return text[: match.start(2)] + "\\" + text[match.start(2) :]
    return text


@cache
def _environment(kind: str) -> Environment:
    return Environment(
        loader=_BundleLoader(),
        # HTML templates are autoescaped; a Markdown template's values go through md_escape.
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        finalize=isolate if kind == "html" else md_escape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def stylesheet() -> str:
    """The document's CSS (HTML and PDF)."""
    return dict(bundle_files())[f"{TEMPLATES}/{STYLESHEET}"].decode("utf-8")


def content_security_policy(css: str) -> str:
    """A policy that allows this one inline stylesheet and nothing else."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"


def html(layout: Layout) -> str:
    """The document as one self-contained HTML page."""
    css = stylesheet()
    # The bundle's own stylesheet, not data: printed as is inside <style>.
    trusted_css = Markup(css)  # noqa: S704  # nosec B704
    template = _environment("html").get_template(HTML_TEMPLATE)
    return template.render(
        doc=layout,
        css=trusted_css,
        csp=content_security_policy(css),
        created=f"{layout.published.isoformat()}T00:00:00Z",
    )


def markdown(layout: Layout) -> str:
    """The document as plain Markdown."""
    return _environment("md").get_template(MD_TEMPLATE).render(doc=layout)
