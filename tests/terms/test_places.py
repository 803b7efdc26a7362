"""Places: levels, places by rule, slots filled from the text, places and titles composed."""

from __future__ import annotations

import pytest

from bilingual.terms.glossary import Glossary, Term, fill_place, load_glossary, render_term
from bilingual.terms.places import (
    PlaceName,
    english_level,
    place_level,
    render_matches,
    rule_place_english,
    term_level,
    with_rule_places,
)

G = load_glossary()


def rendered(text: str, place: PlaceName | None = None, glossary: Glossary = G) -> list[tuple[str, str]]:
    matches = with_rule_places(text, glossary, glossary.match(text))
    return [(text[r.start:r.end], r.en) for r in render_matches(text, matches, glossary, place)]


@pytest.mark.parametrize("zh, level", [
    ("市委书记", "city"), ("省委书记", "province"), ("常务副省长", "province"), ("县委书记", "county"),
    ("区委书记", "district"), ("团市委书记", "city"), ("自治区党委书记", "province"), ("镇党委书记", "township"),
    ("村党支部书记", "village"), ("自治州州长", "city"), ("街道办事处主任", "township"), ("党委书记", None),
])
def test_the_level_of_a_term_is_read_from_its_chinese(zh, level):
    assert term_level(zh) == level


def test_the_level_of_a_place():
    assert place_level("湖南", G) == "province" and place_level("株洲", G) == "city"
    assert place_level("石溪县", None) == "county" and place_level("枫林镇", None) == "township"
    assert english_level("Hengyang", G) == "city" and english_level("Hunan", G) == "province"
    assert english_level("Atlantis", G) is None


@pytest.mark.parametrize("zh, en", [
    ("石溪县", "Shixi County"), ("枫林镇", "Fenglin Town"), ("新安乡", "Xin'an Township"), ("下坪村", "Xiaping Village"),
    ("奎文区", "Kuiwen District"), ("恩施土家族苗族自治州", "Enshi Tujia and Miao Autonomous Prefecture"),
    ("玉屏侗族自治县", "Yuping Dong Autonomous County"), ("某某街道", "Moumou Subdistrict"),
])
def test_places_romanised_by_rule(zh, en):
    assert rule_place_english(zh) == en


def test_unlisted_places_are_found_with_their_suffix():
    assert rendered("初夏时节，吉安市石溪县枫林镇下坪村的井冈蜜柚基地里") == [
        ("吉安市石溪县枫林镇下坪村", "Xiaping Village, Fenglin Town, Shixi County, Ji'an")]
    assert rendered("4月28日，团市委在昌乐县联合启动")[-1] == ("昌乐县", "Changle County")
    assert ("武进区", "Wujin District") in [(zh[-3:], en.split(",")[0]) for zh, en in rendered("常州市武进区一村")]
    got = rendered("行动将在奎文区、潍城区、寒亭区、坊子区同步开展")
    assert [en for _, en in got] == ["Kuiwen District", "Weicheng District", "Hanting District", "Fangzi District"]


@pytest.mark.parametrize("text", ["全县贫困村、示范村和美丽乡村", "在开发区和自贸区", "他在景区、园区和社区工作",
                                  "推进新农村建设", "以乡村全面振兴推动增收", "在功能区、核心区建设", "推进特色小镇建设",
                                  "产粮大县和百强县", "推进城乡一体化", "本县和该村"])
def test_ordinary_words_ending_in_a_suffix_are_no_places(text):
    assert [text[m.start:m.end] for m in with_rule_places(text, G, G.match(text)) if m.term.file == "rule"] == []


def test_a_place_written_before_a_slotted_term_fills_its_slot():
    hunan = PlaceName("湖南", "Hunan", "province")
    assert rendered("湖南省委书记", hunan)[0][1] == "Secretary of the CPC Hunan Provincial Committee"
    assert rendered("株洲市委书记钟卫东", hunan)[0] == ("株洲市委书记", "Secretary of the CPC Zhuzhou Municipal Committee")
    assert rendered("湖南省总工会") == [("湖南省总工会", "the Hunan Provincial Federation of Trade Unions")]
    assert rendered("石溪县委书记黄立群介绍")[0] == ("石溪县委书记", "Secretary of the CPC Shixi County Committee")


def test_the_written_place_carries_along_the_sentence_at_its_level():
    got = rendered("株洲市委书记钟卫东、市长石向阳陪同", PlaceName("湖南", "Hunan", "province"))
    assert ("市长", "Mayor of Zhuzhou") in got


def test_the_editions_place_fills_only_slots_of_its_level():
    hunan = PlaceName("湖南", "Hunan", "province")
    assert rendered("省委副书记、省长罗志刚", hunan)[:2] == [
        ("省委副书记", "Deputy Secretary of the CPC Hunan Provincial Committee"),
        ("省长", "Governor of Hunan Province")]
    assert rendered("常务副省长", PlaceName("衡阳", "Hengyang", "city")) == [("常务副省长", "Executive Vice Governor")]
    assert rendered("市长", hunan) == [("市长", "Mayor")]
    # A place of unknown level (given by hand) fills every slot, as before.
    assert rendered("市长", PlaceName("", "Gotham", None)) == [("市长", "Mayor of Gotham")]


def test_without_a_place_the_first_variant_without_a_slot_or_the_slot_dropped():
    head = Term("县长", "Head of {place} County", "title", variants=("County Magistrate", "county head"))
    assert render_term(head, None) == "County Magistrate" and render_term(head, "Shixi") == "Head of Shixi County"
    assert fill_place("Governor of {place} Province", None) == "Governor"
    assert fill_place("Secretary of the CPC {place} Provincial Committee", None) == \
        "Secretary of the CPC Provincial Committee"


def test_a_body_and_its_title_compose():
    assert rendered("民盟中央主席丁仲礼")[0] == ("民盟中央主席", "Chairman of the Central Committee of the China "
                                                            "Democratic League")
    assert rendered("国家统计局副局长") == [("国家统计局副局长", "Deputy Director of the National Bureau of Statistics")]
    assert rendered("江西省政协原副主席")[0][1].startswith("former Vice Chairman of the Jiangxi")
    assert rendered("埃及总理穆斯塔法")[0] == ("埃及总理", "Prime Minister of Egypt")
    assert rendered("土耳其总统") == [("土耳其总统", "President of Türkiye")]
    # China's premier is the Premier, and a title too long to be generic names its body itself.
    assert rendered("中国总理") != [("中国总理", "Prime Minister of China")]


def test_a_village_and_its_party_title_compose():
    assert rendered("下坪村党支部书记刘桂生说")[0] == ("下坪村党支部书记", "Secretary of the Party Branch of Xiaping Village")
    assert rendered("寿光市前杨村党支部书记王建国")[0] == (
        "寿光市前杨村党支部书记", "Secretary of the Party Branch of Qianyang Village, Shouguang")
