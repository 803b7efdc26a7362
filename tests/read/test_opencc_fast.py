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


def test_the_script_tables_are_derived_once_and_a_simplified_page_loads_no_converter(tmp_path, monkeypatch):
    """The common characters and the script markers are OpenCC's (built as before), kept in the user's cache;
    a process that reads them from there tells simplified from traditional without loading any profile."""
    import subprocess
    import sys

    from bilingual.read import encoding

    monkeypatch.setenv("BILINGUAL_CACHE_DIR", str(tmp_path))
    common, traditional_only, simplified_only = encoding._build_script_tables()
    assert {"与", "们", "说"} <= set(simplified_only) and {"與", "們", "說"} <= set(traditional_only)
    assert not set(traditional_only) & set(simplified_only) and set(simplified_only) <= set(common)
    code = ("from bilingual.read import encoding\nfrom bilingual.zh.script import converter\n"
            "print(encoding.detect_script('衡阳晚报记者报道，他们说这是关键的一年。'), "
            "encoding.detect_script('衡陽晚報記者報道，他們說這是關鍵的一年。'), encoding.common_share('他们说'))\n"
            "print(converter.cache_info().currsize)\n")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(2)]
    assert runs[0][:3] == runs[1][:3] == ["simplified", "traditional", "1.0"]
    assert int(runs[0][3]) > 0 and runs[1][3] == "0"  # the first builds the tables; the second loads no profile
    assert (tmp_path / "script-tables.marshal").is_file()
    encoding._script_tables.cache_clear()
    try:
        assert encoding._script_tables() == (common, traditional_only, simplified_only)  # read back: the same
    finally:
        encoding._script_tables.cache_clear()
