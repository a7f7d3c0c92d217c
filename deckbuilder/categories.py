"""Special-point categories: which exist, what detail each names, and how a card says them.

To add a category, add its kind to KINDS (and a rule to `problem` if the standard fixes one).
"""

from __future__ import annotations

from .records import Category

ELEMENTS = ("wood", "fire", "earth", "metal", "water")
ORGANS = ("lung", "large-intestine", "stomach", "spleen", "heart", "small-intestine", "bladder", "kidney",
          "pericardium", "sanjiao", "gallbladder", "liver")
VESSELS = ("du", "ren", "chong", "dai", "yin-qiao", "yang-qiao", "yin-wei", "yang-wei")
TISSUES = ("zang", "fu", "qi", "blood", "sinews", "vessels", "bones", "marrow")
AREAS = ("abdomen", "back", "head-neck", "face-mouth", "chest", "resuscitation")
FIVE_SHU = ("jing-well", "ying-spring", "shu-stream", "jing-river", "he-sea")

# kind -> (the detail it takes, the values allowed, whether the detail is required)
KINDS: dict[str, tuple[str | None, tuple[str, ...], bool]] = {
    **{kind: ("element", ELEMENTS, True) for kind in FIVE_SHU},
    "yuan-source": (None, (), False),
    "luo-connecting": ("vessel", ("great-luo-of-spleen",), False),
    "xi-cleft": ("vessel", ("yin-qiao", "yang-qiao", "yin-wei", "yang-wei"), False),
    "back-shu": ("organ", ORGANS, True),
    "front-mu": ("organ", ORGANS, True),
    "lower-he-sea": ("organ", ORGANS, True),
    "influential": ("tissue", TISSUES, True),
    "confluent": ("vessel", VESSELS, True),
    "command": ("area", AREAS, True),
}

YIN_MERIDIANS = {"LU", "SP", "HT", "KI", "PC", "LR"}
YANG_MERIDIANS = {"LI", "ST", "SI", "BL", "TE", "GB"}
# The five-shu points' elements follow the generating cycle from the jing-well point on.
_ELEMENT_ORDER = {"yin": ("wood", "fire", "earth", "metal", "water"),
                  "yang": ("metal", "water", "wood", "fire", "earth")}

_ORGAN_NAMES = {"large-intestine": "Large Intestine", "small-intestine": "Small Intestine",
                "sanjiao": "Sanjiao (Triple Energizer)"}
_VESSEL_NAMES = {"du": "Governor Vessel (Du)", "ren": "Conception Vessel (Ren)", "chong": "Penetrating Vessel (Chong)",
                 "dai": "Girdle Vessel (Dai)", "yin-qiao": "Yin Motility Vessel (Yin Qiao)",
                 "yang-qiao": "Yang Motility Vessel (Yang Qiao)", "yin-wei": "Yin Linking Vessel (Yin Wei)",
                 "yang-wei": "Yang Linking Vessel (Yang Wei)"}
_AREA_NAMES = {"head-neck": "head and neck", "face-mouth": "face and mouth"}


def organ_name(organ: str) -> str:
    return _ORGAN_NAMES.get(organ, organ.capitalize())


def problem(category: Category, meridian_code: str) -> tuple[str, str] | None:
    """A detail the standard fixes that the data gets wrong (message, hint), or None."""
    if category.kind in FIVE_SHU and meridian_code in YIN_MERIDIANS | YANG_MERIDIANS:
        side = "yin" if meridian_code in YIN_MERIDIANS else "yang"
        expected = _ELEMENT_ORDER[side][FIVE_SHU.index(category.kind)]
        if category.detail != expected:
            return (f"the {category.kind} point of a {side} meridian is a {expected} point, not {category.detail}",
                    f"write element: {expected}")
    if category.kind in FIVE_SHU + ("yuan-source", "luo-connecting", "xi-cleft") and meridian_code.startswith("EX"):
        return (f"an extra point is not the {category.kind} point of a meridian", "remove this category")
    return None


def describe(category: Category, meridian: str) -> str:
    """How a card names the category, e.g. "he-sea point (earth) of the Bladder meridian"."""
    kind, detail, own = category.kind, category.detail, f"of the {meridian.title()} meridian"
    if kind in FIVE_SHU:
        return f"{kind} point ({detail}) {own}"
    if kind == "luo-connecting" and detail == "great-luo-of-spleen":
        return "great luo-connecting point of the Spleen"
    if kind in ("yuan-source", "luo-connecting"):
        return f"{kind} point {own}"
    if kind == "xi-cleft":
        return f"xi-cleft point of the {_VESSEL_NAMES[detail]}" if detail else f"xi-cleft point {own}"
    if kind in ("back-shu", "front-mu", "lower-he-sea"):
        return f"{kind} point of the {organ_name(detail)}"
    if kind == "influential":
        return f"influential (hui-meeting) point of the {detail}"
    if kind == "confluent":
        return f"confluent point of the {_VESSEL_NAMES[detail]}"
    return f"command point of the {_AREA_NAMES.get(detail, detail)}"


_FAMILY_QUESTIONS = {
    **{kind: "which of the five shu points is it?" for kind in FIVE_SHU},
    **{kind: "its meridian's source, connecting or cleft point?" for kind in ("yuan-source", "luo-connecting",
                                                                               "xi-cleft")},
    "back-shu": "the back-shu point of which organ?",
    "front-mu": "the front-mu point of which organ?",
    "lower-he-sea": "the lower he-sea point of which organ?",
    "influential": "the influential point of what?",
    "confluent": "the confluent point of which extraordinary vessel?",
    "command": "the command point of which area?",
}


def reverse(category: Category, meridian: str) -> tuple[str, str]:
    """The question a card asks from the point's side, and its one answer.

    The question names the family (five shu, back-shu…), so a point with several categories
    still has one right answer per card.
    """
    kind, detail = category.kind, category.detail
    if kind in FIVE_SHU:
        answer = f"{kind} point ({detail})"
    elif kind in ("yuan-source", "luo-connecting", "xi-cleft"):
        answer = describe(category, meridian)
    elif kind in ("back-shu", "front-mu", "lower-he-sea"):
        answer = f"the {organ_name(detail)}"
    elif kind == "confluent":
        answer = f"the {_VESSEL_NAMES[detail]}"
    elif kind == "influential":
        answer = f"the {detail}"
    else:
        answer = f"the {_AREA_NAMES.get(detail, detail)}"
    return _FAMILY_QUESTIONS[kind], answer
