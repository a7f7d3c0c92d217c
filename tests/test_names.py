"""The Chinese names are checked, not assumed: pinyin against the characters (pypinyin), and the
traditional characters against the simplified ones (OpenCC)."""

from __future__ import annotations

import unicodedata

import pytest
from opencc import OpenCC
from pypinyin import Style, pinyin

from .conftest import shipped_codes

# Readings that point names use and everyday pinyin does not (WHO 1991 gives these).
MEDICAL_READINGS = {
    "长": "cháng",  # long (GV1 Changqiang), not zhǎng
    "脊": "jǐ",    # spine: today's standard reading (pypinyin gives the older jí)
    "椎": "zhuī",  # vertebra (GV14 Dazhui), not chuí
    "龈": "yín",   # gum (GV28 Yinjiao), not kěn
    "阙": "què",   # gateway (CV8 Shenque, CV14 Juque), not quē
    "膻": "dàn",   # the centre of the chest (CV17 Danzhong), not shān
    "俞": "shū",   # transport (back-shu points), not yú
    "少": "shào",  # lesser, young (Shaohai, Shaofu, Shaochong), not shǎo
    "郄": "xì",    # cleft (xi-cleft points), not qiè
    "都": "dū",    # capital, gathering place (KI19 Yindu), not dōu
    "行": "xíng",  # moving (LR2 Xingjian), not háng
    "冲": "chōng", # rushing (LR3 Taichong), not chòng
    "曲": "qū",    # bend, crook (LR8 Ququan), not qǔ
    "舍": "shè",   # abode (SP13 Fushe, ST11 Qishe), not shě
    "率": "shuài", # leading (GB8 Shuaigu), not lǜ
    "子": "zǐ",    # child (EX-CA1 Zigong, GB1 Tongziliao), not the neutral zi
    "攒": "cuán",  # gather (BL2 Cuanzhu), not zǎn
    "差": "chā",   # (BL4 Qucha), not chà
    "膀": "páng",  # bladder (BL28 Pangguangshu), not bǎng
    "仆": "pú",    # servant (BL61 Pucan), not pū
    "譩": "yì",    # a sigh (BL45 Yixi)
    "譆": "xǐ",    # (BL45 Yixi), not xī
}
CODES = shipped_codes()


@pytest.fixture(scope="module")
def by_code(shipped_deck) -> dict:
    return {p.code: p for p in shipped_deck.dataset.points}


def _syllables(hanzi: str) -> str:
    return "".join(MEDICAL_READINGS.get(ch) or pinyin(ch, style=Style.TONE)[0][0] for ch in hanzi)


@pytest.mark.parametrize("code", CODES)
def test_pinyin_is_the_reading_of_the_characters(code, by_code):
    point = by_code[code]
    written = unicodedata.normalize("NFC", point.pinyin.lower().replace("'", ""))
    assert written == unicodedata.normalize("NFC", _syllables(point.hanzi)), point.code


# Classical forms the standard prints in traditional names that OpenCC leaves as they are.
CLASSICAL_FORMS = {"谿": "溪"}  # stream, valley (LI5 Yangxi 陽谿, GB43 Xiaxi 俠谿)


@pytest.mark.parametrize("code", CODES)
def test_traditional_characters_are_the_simplified_ones(code, by_code):
    point = by_code[code]
    if point.hanzi_traditional:
        simplified = OpenCC("t2s").convert(point.hanzi_traditional)
        assert "".join(CLASSICAL_FORMS.get(ch, ch) for ch in simplified) == point.hanzi
        assert point.hanzi_traditional != point.hanzi, "given only where it differs"
