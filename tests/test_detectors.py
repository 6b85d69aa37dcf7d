"""The pattern layer: each detector's hits and misses."""

from __future__ import annotations

import pytest

from vault.redact import detectors as det


def found(detector: det.Detector, text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector(text)]


@pytest.mark.parametrize(
    ("detector", "hits", "misses"),
    [
        (
            det.prc_resident_ids,
            ["11010519491231002X", "654201 19830312 0615", "65420119830312061-5"],
            ["110105194912310021", "654201199913320615", "UA-061-21-004", "12345678901234567"],
        ),
        (det.kz_iins, ["830312311546", "830312 311546"], ["830312311547", "201713000000", "12345"]),
        (
            det.phones,
            [
                "+7 701 662 5938",
                "8 701 662 5938",
                "+86 138 0013 8000",
                "13800138000",
                "+90 532 212 3456",
                "+49 151 2345 6789",
            ],
            ["2017-05-14", "UA 061/21", "1204", "3.14159"],
        ),
        (
            det.emails,
            ["saule.t@example.org", "saule (at) example (dot) org", "a.b+c@mail.example.net"],
            ["@handle", "user at home", "Kashgar.city"],
        ),
        (
            det.passports,
            ["E86072800", "G12345678", "passport no. X1234567"],
            ["E1234", "UA061", "EAST"],
        ),
        (
            det.gps,
            ["39.4704, 75.9898", "39°28′N 75°59′E", "-12.3456 / 130.8456"],
            ["2017.05", "1.5, 2.5", "version 3.10, 2.7"],
        ),
        (
            det.dates_of_birth,
            [
                "born on 12 March 1983",
                "né le 12 mars 1983",
                "geboren am 12. März 1983",
                "date of birth: 1983-03-12",
                "DOB 12/03/1983",
            ],
            ["detained on 12 March 2018", "since 2017-05", "in March 2018"],
        ),
        (
            det.personal_urls,
            [
                "https://t.me/saule_t",
                "facebook.com/nurlan.toqtar",
                "https://example.net/@nurlan",
                "https://forum.example.org/user/aigul",
            ],
            ["https://www.amnesty.org/en/documents/", "https://example.org/report.pdf"],
        ),
    ],
)
def test_detector_hits_and_misses(
    detector: det.Detector, hits: list[str], misses: list[str]
) -> None:
    for value in hits:
        text = f"Before {value} after."
        assert any(value in f or f in value for f in found(detector, text)), (detector, value)
    for value in misses:
        assert found(detector, f"Before {value} after.") == [], (detector, value)


def test_every_detector_is_registered() -> None:
    assert set(det.DETECTORS) == {
        "prc_resident_id",
        "kz_iin",
        "phone",
        "email",
        "passport",
        "gps",
        "date_of_birth",
        "url",
    }
