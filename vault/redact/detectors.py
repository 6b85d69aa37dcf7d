"""The pattern layer: identifiers recognised by their shape, confirmed by check digits where the
format has them. Each detector is a pure function text -> findings. No I/O.

PRC resident ids (GB 11643 MOD 11-2) and Kazakhstan IINs are confirmed by their check digit, so a
random 18- or 12-digit number is not taken for one. Phone numbers use Google's libphonenumber
(the `phonenumbers` package) with validity checking, for Chinese, Kazakh and international forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers

from vault.models.idnumbers import is_valid_kz_iin, is_valid_prc_resident_id


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    kind: str
    reason: str


Detector = Callable[[str], list[Finding]]

_SEP = r"[ \u00a0\-]?"
_PRC = re.compile(r"(?<![\w])(?:\d" + _SEP + r"){17}[\dXx](?![\w])")
_IIN = re.compile(r"(?<![\w])(?:\d" + _SEP + r"){11}\d(?![\w])")


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit() or c in "Xx").upper()


def prc_resident_ids(text: str) -> list[Finding]:
    return [
        Finding(m.start(), m.end(), "id_number", "PRC resident id (check digit valid)")
        for m in _PRC.finditer(text)
        if is_valid_prc_resident_id(_digits(m.group()))
    ]


def kz_iins(text: str) -> list[Finding]:
    return [
        Finding(m.start(), m.end(), "id_number", "Kazakhstan IIN (check digit valid)")
        for m in _IIN.finditer(text)
        if is_valid_kz_iin(_digits(m.group()))
    ]


PHONE_REGIONS = ("CN", "KZ")


def phones(text: str) -> list[Finding]:
    out: dict[tuple[int, int], Finding] = {}
    for region in PHONE_REGIONS:
        for m in phonenumbers.PhoneNumberMatcher(text, region, phonenumbers.Leniency.VALID):
            out[(m.start, m.end)] = Finding(m.start, m.end, "phone", "phone number")
    return list(out.values())


_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:@|\s*\(at\)\s*|\s*\[at\]\s*)[\w-]+(?:(?:\.|\s*\(dot\)\s*|\s*\[dot\]\s*)"
    r"[\w-]+)+(?![\w-])"
)


def emails(text: str) -> list[Finding]:
    return [
        Finding(m.start(), m.end(), "email", "e-mail address")
        for m in _EMAIL.finditer(text)
        if "@" in m.group() or "at" in m.group().lower()
    ]


_PASSPORT = re.compile(r"(?<![\w])(?:E[A-Z]?\d{7,8}|G\d{8}|[A-Z]\d{8})(?![\w])")
_PASSPORT_CONTEXT = re.compile(
    r"(?i)(?:passport|passeport|reisepass|pass)(?:\s+(?:no\.?|number|numéro|nr\.?|n°))?[\s:#]*"
    r"([A-Z0-9]{6,9})(?![\w])"
)


def passports(text: str) -> list[Finding]:
    out = [
        Finding(m.start(), m.end(), "passport", "passport number") for m in _PASSPORT.finditer(text)
    ]
    for m in _PASSPORT_CONTEXT.finditer(text):
        if any(c.isdigit() for c in m.group(1)):
            out.append(
                Finding(m.start(1), m.end(1), "passport", "passport number (after the word)")
            )
    return out


_DEC = re.compile(
    r"(?<![\d.])([-+]?\d{1,2}\.\d{3,})\s*°?\s*([NS])?\s*[,;/ ]\s*([-+]?\d{1,3}\.\d{3,})"
    r"\s*°?\s*([EW])?(?!\d)(?!\.\d)"
)
_DMS = re.compile(
    r"\d{1,3}\s*°\s*\d{1,2}\s*[′']\s*(?:\d{1,2}(?:\.\d+)?\s*[″\"])?\s*[NSEW]"
    r"(?:[\s,]+\d{1,3}\s*°\s*\d{1,2}\s*[′']\s*(?:\d{1,2}(?:\.\d+)?\s*[″\"])?\s*[NSEW])?"
)


def gps(text: str) -> list[Finding]:
    out = []
    for m in _DEC.finditer(text):
        lat, lon = float(m.group(1)), float(m.group(3))
        if abs(lat) <= 90 and abs(lon) <= 180:
            out.append(Finding(m.start(), m.end(), "gps", "GPS coordinates"))
    out += [Finding(m.start(), m.end(), "gps", "GPS coordinates") for m in _DMS.finditer(text)]
    return out


_MONTH_WORDS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
    "Januar|Februar|März|Juni|Juli|Oktober|Dezember"
)
_DATE = (
    r"(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4}|\d{1,2}\.?\s+(?:"
    + _MONTH_WORDS
    + r")\s+\d{4}|(?:"
    + _MONTH_WORDS
    + r")\s+\d{1,2},?\s+\d{4})"
)
_DOB = re.compile(
    r"(?i)(?:\bborn\b(?:\s+on)?|\bdate of birth\b|\bDOB\b|\bd\.o\.b\.|\bnée?\b(?:\s+le)?|"
    r"\bdate de naissance\b|\bgeboren\b(?:\s+am)?|\bGeburtsdatum\b|\bgeb\.)\s*[:,]?\s*("
    + _DATE
    + r")"
)


def dates_of_birth(text: str) -> list[Finding]:
    return [
        Finding(m.start(1), m.end(1), "date_of_birth", "date of birth") for m in _DOB.finditer(text)
    ]


_SOCIAL = re.compile(
    r"(?i)(?:https?://)?(?:www\.|m\.)?(?:facebook\.com|fb\.com|twitter\.com|x\.com|instagram\.com"
    r"|t\.me|telegram\.me|vk\.com|tiktok\.com|weibo\.com|douyin\.com|youtube\.com|linkedin\.com/in"
    r"|github\.com)/@?[\w.\-]{2,}[^\s)]*"
)
_HANDLE_URL = re.compile(
    r"(?i)https?://[^\s)]+/(?:@[\w.\-]+|(?:user|u|profile|people)/[\w.\-]+)"
    r"[^\s)]*|https?://[^\s)]*[?&](?:id|user|uid)=[\w.\-]+[^\s)]*"
)


def personal_urls(text: str) -> list[Finding]:
    out = [
        Finding(m.start(), m.end(), "url", "URL with a personal handle")
        for m in _SOCIAL.finditer(text)
    ]
    out += [
        Finding(m.start(), m.end(), "url", "URL with a personal handle")
        for m in _HANDLE_URL.finditer(text)
    ]
    return out


DETECTORS: dict[str, Detector] = {
    "prc_resident_id": prc_resident_ids,
    "kz_iin": kz_iins,
    "phone": phones,
    "email": emails,
    "passport": passports,
    "gps": gps,
    "date_of_birth": dates_of_birth,
    "url": personal_urls,
}


def _trim(text: str, f: Finding) -> Finding:
    """Drop trailing punctuation and unbalanced brackets at either end."""
    start, end = f.start, f.end
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:!?"):
        end -= 1
    if start < end and text[start] == "(" and ")" not in text[start:end]:
        start += 1
    if start < end and text[end - 1] == ")" and "(" not in text[start:end]:
        end -= 1
    return Finding(start, end, f.kind, f.reason)


def detect(text: str) -> list[Finding]:
    out: list[Finding] = []
    for detector in DETECTORS.values():
        out += [_trim(text, f) for f in detector(text)]
    return [f for f in out if f.end > f.start]
