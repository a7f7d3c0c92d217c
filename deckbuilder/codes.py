"""Point codes: the WHO 2008 standard form, and what older texts wrote instead.

A standard code (`code:`) is exactly a WHO meridian code and a point number that exists on
that meridian: BL60, not bl60, BL 60, BL-60, BL060 or UB60. A legacy code is one to three
capital letters and a number, with no space or leading zero: UB60, BL54, K1. Nothing is
normalised silently: a code in another form is rejected, and the message gives the fix.
"""

from __future__ import annotations

import re

# WHO meridian code -> (English name used in tags, number of standard points).
MERIDIANS: dict[str, tuple[str, int]] = {
    "LU": ("lung", 11),
    "LI": ("large intestine", 20),
    "ST": ("stomach", 45),
    "SP": ("spleen", 21),
    "HT": ("heart", 9),
    "SI": ("small intestine", 19),
    "BL": ("bladder", 67),
    "KI": ("kidney", 27),
    "PC": ("pericardium", 9),
    "TE": ("triple energizer", 23),
    "GB": ("gallbladder", 44),
    "LR": ("liver", 14),
    "GV": ("governor vessel", 28),
    "CV": ("conception vessel", 24),
}

# Older English abbreviations -> the WHO meridian code (WHO 1991 nomenclature).
OLD_ABBREVIATIONS: dict[str, str] = {
    "L": "LU", "CO": "LI", "S": "ST", "H": "HT", "B": "BL", "UB": "BL", "K": "KI",
    "P": "PC", "HC": "PC", "CX": "PC", "TW": "TE", "TH": "TE", "SJ": "TE",
    "LIV": "LR", "LV": "LR", "DU": "GV", "GO": "GV", "REN": "CV",
}

# The WHO 2008 extra points: region code -> number of points (48 in all).
EXTRA_REGIONS: dict[str, tuple[str, int]] = {
    "HN": ("head and neck", 15), "CA": ("chest and abdomen", 1), "B": ("back", 9),
    "UE": ("upper limb", 11), "LE": ("lower limb", 12),
}
EXTRA = re.compile(r"EX-(?P<region>[A-Z]{1,2})(?P<number>[1-9][0-9]?)")

STANDARD = re.compile(r"(?P<meridian>[A-Z]{2})(?P<number>[1-9][0-9]?)")
_LOOSE = re.compile(r"\s*(?P<meridian>[A-Za-z]{1,3})[\s.\-]*(?P<number>0*[1-9][0-9]?)\s*")
LEGACY = re.compile(r"[A-Z]{1,3}[1-9][0-9]?")
_FORM_HINT = "a standard code is a WHO meridian code and a number, e.g. BL60"


def standard_code_problem(code: str) -> tuple[str, str] | None:
    """Why `code` is not a WHO standard code (message, suggested fix), or None if it is one."""
    extra = EXTRA.fullmatch(code)
    if extra:
        if extra["region"] not in EXTRA_REGIONS:
            return (f"'EX-{extra['region']}' is not a WHO region of extra points",
                    "use one of " + ", ".join(f"EX-{r}" for r in EXTRA_REGIONS))
        name, count = EXTRA_REGIONS[extra["region"]]
        if int(extra["number"]) > count:
            return (f"the WHO standard has {count} extra points of the {name}, so {code} does not exist",
                    "check the number against the WHO 2008 standard")
        return None
    match = STANDARD.fullmatch(code)
    if match and match["meridian"] in MERIDIANS:
        name, count = MERIDIANS[match["meridian"]]
        if int(match["number"]) > count:
            return (f"the {name} meridian has {count} points, so {code} does not exist",
                    "check the number against the WHO 2008 standard")
        return None
    loose = _LOOSE.fullmatch(code)
    if loose:
        meridian = loose["meridian"].upper()
        number = int(loose["number"])
        if meridian in OLD_ABBREVIATIONS:
            fixed = f"{OLD_ABBREVIATIONS[meridian]}{number}"
            return (f"'{code}' uses the older abbreviation {meridian}; the standard code is {fixed}",
                    f"write code: {fixed}, and keep {meridian}{number} under legacy_codes with its system")
        if meridian in MERIDIANS:
            return (f"'{code}' is not written in the standard form", f"write it as {meridian}{number}")
        return (f"'{meridian}' is not a WHO meridian code", "use one of " + ", ".join(MERIDIANS))
    return (f"'{code}' is not a point code", _FORM_HINT)


def legacy_code_problem(code: str) -> tuple[str, str] | None:
    """Why `code` is not written like a legacy code (message, suggested fix), or None."""
    if LEGACY.fullmatch(code):
        return None
    loose = _LOOSE.fullmatch(code)
    if loose:
        fixed = f"{loose['meridian'].upper()}{int(loose['number'])}"
        return (f"the legacy code '{code}' is not written in the usual form", f"write it as {fixed}")
    return (f"'{code}' is not written like a code",
            "one to three capital letters and a number, no spaces, e.g. BL54")


def meridian_of(code: str) -> str:
    """The meridian's English name for a valid standard code; "extra" for an extra point."""
    return "extra" if code.startswith("EX-") else MERIDIANS[code[:2]][0]


def channel_title(meridian: str) -> str:
    """'Bladder meridian', 'Governor vessel': a meridian's English name as a title."""
    return meridian.capitalize() + ("" if meridian.endswith("vessel") else " meridian")
