"""Check digits of the identity numbers caseworkers record. Pure functions, no I/O.

- PRC resident identity number (GB 11643-1999): 17 digits + ISO 7064 MOD 11-2 check
  character (0-9 or X); digits 7-14 are the birth date YYYYMMDD.
- Kazakhstan IIN (ЖСН): 12 digits; digits 1-6 are the birth date YYMMDD, digit 7 the century
  and sex, digit 12 a mod-11 check with a second weight set when the first gives 10.
"""

from __future__ import annotations

import datetime as _dt

_PRC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_PRC_CHECK = "10X98765432"


def prc_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, _PRC_WEIGHTS, strict=True))
    return _PRC_CHECK[total % 11]


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        _dt.date(year, month, day)
    except ValueError:
        return False
    return True


def is_valid_prc_resident_id(value: str) -> bool:
    """True for an 18-character PRC resident id with a real birth date and a correct check."""
    v = value.upper()
    if len(v) != 18 or not v[:17].isascii() or not v[:17].isdigit():
        return False
    if not _valid_date(int(v[6:10]), int(v[10:12]), int(v[12:14])):
        return False
    return prc_check_char(v[:17]) == v[17]


_IIN_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_IIN_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def kz_iin_check_digit(first11: str) -> int | None:
    """The IIN check digit, or None when both weight sets give 10 (such numbers are not issued)."""
    if len(first11) != 11 or not first11.isascii() or not first11.isdigit():
        raise ValueError("need exactly 11 ASCII digits")
    digits = [int(d) for d in first11]
    c = sum(d * w for d, w in zip(digits, _IIN_W1, strict=True)) % 11
    if c == 10:
        c = sum(d * w for d, w in zip(digits, _IIN_W2, strict=True)) % 11
        if c == 10:
            return None
    return c


_IIN_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


def is_valid_kz_iin(value: str) -> bool:
    """True for a 12-digit IIN with a real birth date, a known century digit and a correct check."""
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        return False
    century = _IIN_CENTURY.get(value[6])
    if century is None:
        return False
    if not _valid_date(century + int(value[0:2]), int(value[2:4]), int(value[4:6])):
        return False
    return kz_iin_check_digit(value[:11]) == int(value[11])
