"""The fast converter gives exactly what opencc-python-reimplemented gives."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilingual.zh.opencc_fast import FastOpenCC

SEED = Path(__file__).resolve().parents[2] / "seeds" / "hengyang-evening-news-2023-08-19.txt"
TRADITIONAL = ("臺灣的軟體與資料庫，計程車。香港嘅樓價回落咗三成。乾隆皇帝在乾燥的天氣裡寫了一首詩。"
               "著名的著作：「發展」與「發髮」。他們說：「這是關鍵的一年。」鬱鬱蔥蔥的樹林裏面。")


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    seed = SEED.read_text(encoding="utf-8")
    out = {"seed": seed, "traditional": TRADITIONAL}
    for profile in ("s2t", "s2tw", "s2hk"):
        out[profile] = opencc.OpenCC(profile).convert(seed)
    return out


@pytest.mark.parametrize("profile", ["tw2sp", "hk2s", "t2s", "s2t", "s2tw"])
def test_same_output_as_the_library(texts, profile):
    library, fast = opencc.OpenCC(profile), FastOpenCC(profile)
    for name, text in texts.items():
        assert fast.convert(text) == library.convert(text), name


@given(st.text(alphabet=st.sampled_from(sorted(set(TRADITIONAL + "于后里发干台湾软件 \n，。"))), max_size=60))
@settings(max_examples=200, deadline=None)
def test_same_output_on_random_mixtures(text):
    assert FastOpenCC("tw2sp").convert(text) == opencc.OpenCC("tw2sp").convert(text)
