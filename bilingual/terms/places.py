"""Places: administrative levels, places romanised by rule, and ``{place}`` slots filled from the text.

Levels. A title or body with a ``{place}`` slot belongs to one level, read from its
Chinese: 省/自治区 province, 市/州/盟/地区 city (prefecture), 县/旗 county, 区 district,
镇/乡/街道 township, 村/社区 village (市委书记 city, 常务副省长 province, 团县委 county).
A place has a level too: 湖南省 province, 株洲市 city, 拉孜县 county; a bare 湖南 takes the
level of the suffixed form the glossary lists (湖南省), the highest first.

Slots (``render_matches``). The slot of a term is filled, in this order, by
1. a place written right before it (湖南 + 省委书记 -> "Secretary of the CPC Hunan
   Provincial Committee", 株洲 + 市委 -> "the CPC Zhuzhou Municipal Committee"): the
   place and the term become one match;
2. the place given that way to an earlier term of the same level in the same sentence
   (株洲市委书记钟卫东、市长石向阳: 市长 -> "Mayor of Zhuzhou");
3. the edition's own place, when it is of the term's level (or its level is unknown);
otherwise the term takes its placeless form (``render_term`` with no place).

Places by rule (``find_rule_places``). A place the glossary does not list, written as a
name and an administrative suffix (石溪县, 枫林镇, 下坪村, 新安乡), is romanised by rule:
the name in pinyin as one word, the suffix in English (Shixi County, Fenglin Town,
Xiaping Village, Xin'an Township; 自治州 Autonomous Prefecture with the ethnic groups
in their official English). The name is two to three characters (four before 村) that
start at a clause boundary, after a known place, or after a verb jieba reads; a
determiner (全县, 本村, 该镇) or an ordinary word (贫困村, 美丽乡村, 示范村) is no name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..zh import words
from ..zh.pinyin import romanize_word
from ..zh.script import is_han
from .glossary import PLACE_SLOT, Glossary, Term, TermMatch, bare_english, fill_place, render_term

PROVINCE, CITY, COUNTY, DISTRICT, TOWNSHIP, VILLAGE = "province", "city", "county", "district", "township", "village"
LEVELS = (PROVINCE, CITY, COUNTY, DISTRICT, TOWNSHIP, VILLAGE)

# The level a term's Chinese names, by the first of these marks in it (longest first at one position).
LEVEL_MARKS = (
    ("特别行政区", PROVINCE), ("自治区", PROVINCE), ("自治州", CITY), ("自治县", COUNTY), ("自治旗", COUNTY),
    ("街道", TOWNSHIP), ("社区", VILLAGE), ("地委", CITY), ("地区", CITY),
    ("省", PROVINCE), ("市", CITY), ("州", CITY), ("盟", CITY), ("县", COUNTY), ("旗", COUNTY), ("区", DISTRICT),
    ("镇", TOWNSHIP), ("乡", TOWNSHIP), ("村", VILLAGE),
)

# Administrative suffixes of place names and their English (longest first).
PLACE_SUFFIXES = (
    ("特别行政区", "Special Administrative Region", PROVINCE), ("自治区", "Autonomous Region", PROVINCE),
    ("自治州", "Autonomous Prefecture", CITY), ("自治县", "Autonomous County", COUNTY),
    ("自治旗", "Autonomous Banner", COUNTY), ("新区", "New Area", None), ("街道", "Subdistrict", TOWNSHIP),
    ("社区", "Community", VILLAGE), ("地区", "Prefecture", CITY), ("省", "Province", PROVINCE),
    ("市", "City", CITY), ("州", "Prefecture", CITY), ("盟", "League", CITY), ("县", "County", COUNTY),
    ("旗", "Banner", COUNTY), ("区", "District", DISTRICT), ("镇", "Town", TOWNSHIP), ("乡", "Township", TOWNSHIP),
    ("村", "Village", VILLAGE),
)
# Suffixes a place found by rule may carry (市 and 省 places are all in the glossary; 区 only with
# other places, being too often part of an ordinary word: 景区, 园区, 开发区).
RULE_SUFFIXES = ("自治州", "自治县", "自治旗", "街道", "县", "旗", "区", "镇", "乡", "村")
# The 55 ethnic minorities and the Han, in their official English (autonomous areas are named after them).
ETHNIC_GROUPS = {
    "汉族": "Han", "蒙古族": "Mongolian", "回族": "Hui", "藏族": "Tibetan", "维吾尔族": "Uygur", "苗族": "Miao",
    "彝族": "Yi", "壮族": "Zhuang", "布依族": "Bouyei", "朝鲜族": "Korean", "满族": "Manchu", "侗族": "Dong",
    "瑶族": "Yao", "白族": "Bai", "土家族": "Tujia", "哈尼族": "Hani", "哈萨克族": "Kazak", "傣族": "Dai", "黎族": "Li",
    "傈僳族": "Lisu", "佤族": "Va", "畲族": "She", "高山族": "Gaoshan", "拉祜族": "Lahu", "水族": "Shui",
    "东乡族": "Dongxiang", "纳西族": "Naxi", "景颇族": "Jingpo", "柯尔克孜族": "Kirgiz", "土族": "Tu",
    "达斡尔族": "Daur", "仫佬族": "Mulao", "羌族": "Qiang", "布朗族": "Blang", "撒拉族": "Salar", "毛南族": "Maonan",
    "仡佬族": "Gelao", "锡伯族": "Xibe", "阿昌族": "Achang", "普米族": "Pumi", "塔吉克族": "Tajik", "怒族": "Nu",
    "乌孜别克族": "Uzbek", "俄罗斯族": "Russian", "鄂温克族": "Ewenki", "德昂族": "De'ang", "保安族": "Bonan",
    "裕固族": "Yugur", "京族": "Gin", "塔塔尔族": "Tatar", "独龙族": "Derung", "鄂伦春族": "Oroqen",
    "赫哲族": "Hezhen", "门巴族": "Monba", "珞巴族": "Lhoba", "基诺族": "Jino",
}
_ETHNIC = re.compile("|".join(sorted(ETHNIC_GROUPS, key=len, reverse=True)))

# A rule place's name never starts with a determiner or a number (全县, 本村, 该镇, 各乡, 两村) ...
_NOT_NAME_START = set("全本该各每此这那某其同邻外一二三四五六七八九十百千万两几多欠") | set("0123456789")
# ... never holds a function character ...
PROPER_TAGS = ("ns", "nr", "nz", "nt")  # jieba's tags of proper nouns
_NOT_IN_PLACE = set("的地得着了在和是与及等对向为把被将从到也都就还又而之个们说以于由经让使给")
# ... and is not an ordinary word that qualifies villages and towns.
_NOT_PLACE_NAMES = set("""
    美丽 文明 特色 重点 示范 中心 贫困 行政 自然 先进 明星 幸福 和美 宜居 生态 旅游 传统 历史
    数字 智慧 红色 绿色 试点 边境 沿海 山区 城中 城郊 周边 农业 工业 产业 专业 淘宝 电商 网红
    千年 百年 文化 特困 深度 易地 搬迁 安置 移民 整体 新型 现代 未来 乡村 城市 城镇 农村 老区
    革命 少数 民族 边远 偏远 脱贫 富裕 小康 共富 样板 标杆 模范 全国 全省 全市 全县 所在 当地
    附近 各地 外地 本地 异地 家乡 故乡 老家 周围 光荣 英雄 枢纽 重要 主要""".split())


@dataclass(frozen=True)
class PlaceName:
    """A place as a slot takes it: its Chinese as written, its bare English and its level (None: unknown)."""

    zh: str
    en: str
    level: str | None = None


@dataclass(frozen=True)
class RenderedMatch:
    """A glossary (or rule) match with its final English: a slotted term absorbs the place written before it."""

    start: int
    end: int
    en: str
    term: Term
    place: PlaceName | None = None  # the place that filled the slot, when one did
    place_term: Term | None = None  # the place's own match, when it was written before the term

    @property
    def source(self) -> str:
        """The term's source, after the written place's ("glossary/national-places.tsv:9+glossary/national.tsv:12")."""
        return f"{self.place_term.source}+{self.term.source}" if self.place_term is not None else self.term.source


# ---------------------------------------------------------------------------
# Levels and English of places
# ---------------------------------------------------------------------------

def term_level(zh: str) -> str | None:
    """The administrative level a term's Chinese names (市委书记 city, 常务副省长 province), or None."""
    best: tuple[int, int, str] | None = None
    for mark, level in LEVEL_MARKS:
        pos = zh.find(mark)
        if pos >= 0 and (best is None or (pos, -len(mark)) < (best[0], best[1])):
            best = (pos, -len(mark), level)
    return best[2] if best else None


def split_suffix(zh: str) -> tuple[str, str, str | None, str | None]:
    """(name, suffix, suffix English, level) of a place's Chinese; the suffix is "" when it has none."""
    for suffix, en, level in PLACE_SUFFIXES:
        if zh.endswith(suffix) and len(zh) > len(suffix):
            return zh[: -len(suffix)], suffix, en, level
    return zh, "", None, None


def place_level(zh: str, glossary: Glossary | None) -> str | None:
    """The level of a place written ``zh``: from its suffix, else from the suffixed form the glossary lists."""
    _, suffix, _, level = split_suffix(zh)
    if suffix:
        return level
    if glossary is not None:
        for suffix, _, level in PLACE_SUFFIXES:
            if level is None:
                continue
            term = glossary.lookup(zh + suffix)
            if term is not None and term.type == "place":
                return level
    return None


def english_level(en: str, glossary: Glossary | None) -> str | None:
    """The level of a place given in English (a ``--place`` option): the highest the glossary lists it at."""
    if glossary is None or not en:
        return None
    levels = glossary.place_levels().get(bare_english(en).casefold(), set())
    return next((level for level in LEVELS if level in levels), None)


def rule_place_english(zh: str) -> str:
    """English for a place not in the glossary: 石溪县 -> "Shixi County", 新安乡 -> "Xin'an Township",
    恩施土家族苗族自治州 -> "Enshi Tujia and Miao Autonomous Prefecture"."""
    name, _, suffix_en, _ = split_suffix(zh)
    groups = [ETHNIC_GROUPS[m.group()] for m in _ETHNIC.finditer(name)] if "自治" in zh else []
    if groups:
        name = name[: _ETHNIC.search(name).start()]
    parts = [romanize_word(name)] if name else []
    if groups:
        parts.append(groups[0] if len(groups) == 1 else ", ".join(groups[:-1]) + " and " + groups[-1])
    if suffix_en:
        parts.append(suffix_en)
    return " ".join(parts)


def place_name(zh: str, glossary: Glossary | None) -> PlaceName:
    """A place as a slot takes it: its glossary English (or the rule's), bare, with its level."""
    term = glossary.lookup(zh) if glossary is not None else None
    en = term.en if term is not None and term.type == "place" else rule_place_english(zh)
    return PlaceName(zh, bare_english(en), place_level(zh, glossary))


# ---------------------------------------------------------------------------
# Places found by rule
# ---------------------------------------------------------------------------

def rule_term(zh: str) -> Term:
    """The Term standing for a place found by rule (its source reads "rule")."""
    return Term(zh=zh, en=rule_place_english(zh), type="place", file="rule")


def _is_place_name(name: str, suffix: str, chained: bool = False) -> bool:
    """Whether ``name`` + ``suffix`` reads as a place's name: no determiner, function word or ordinary
    qualifier (全县, 以乡村, 示范村, 美丽乡村, 推进|全县), no common word (功能区, 特色小镇, 新农村), and not
    a common word of jieba's as a whole (贫困县, 自贸区) unless it stands in a list of places
    (``chained``: 寒亭区、坊子区, though jieba knows 坊子区 as a noun)."""
    if suffix.startswith("自治"):  # 玉屏侗族自治县: a name and the peoples it is named after
        groups = _ETHNIC.search(name)
        if groups is None or not name.endswith("族"):
            return False
        name = name[:groups.start()]
        return not name or _is_place_name(name, "", chained) if len(name) != 1 else False
    if not 2 <= len(name) <= 4 or not all(is_han(c) for c in name):
        return False
    if name[0] in _NOT_NAME_START or any(c in _NOT_IN_PLACE for c in name) or name in _NOT_PLACE_NAMES:
        return False
    if any(name[i:] in _NOT_PLACE_NAMES for i in range(1, len(name) - 1)):
        return False
    tags, freq = words.word_tags(), words.frequencies()
    if not chained and suffix:
        for word in (name + suffix, name[-1] + suffix):  # 贫困县 / 新农|村: 农村
            tag = tags.get(word)
            if tag is not None and not tag.startswith(PROPER_TAGS if word == name + suffix else ("ns",)):
                return False
    for token in words.pos_cut(name):
        if len(token.word) < 2 or token.flag.startswith(PROPER_TAGS):
            continue
        if token.flag.startswith(_NOT_NAME_TAGS) or (freq.get(token.word) or 0) > COMMON_WORD:
            return False
    return True


# A word of a place's name is a proper noun, or a rare word (坊子, 黄泥); a common one (功能, 特色) is not.
COMMON_WORD = 300
_NOT_NAME_TAGS = ("a", "v", "d", "r", "m", "q", "p", "c", "u", "t", "f", "j", "b", "z")


def _name_before(text: str, pos: int, floor: int, suffix: str, chained: bool = False) -> int | None:
    """Where the name of a place whose suffix starts at ``pos`` begins, at ``floor`` or later, or None.

    The longest name of two to three characters (four before 村) that starts at ``floor`` or at a
    word boundary of jieba's segmentation (在|昌乐县, 来到|石溪县) and reads as a place's name.
    """
    longest = 12 if suffix.startswith("自治") else 4 if suffix == "村" else 3
    low = max(floor, pos - longest)
    if pos - low < 2:
        return None
    boundaries, at = {floor}, floor
    for token in words.cut(text[floor:pos]):
        at += len(token)
        boundaries.add(at)
    for start in range(low, pos - 1):
        if (start in boundaries or text[start - 1] in _NOT_IN_PLACE) and \
                _is_place_name(text[start:pos], suffix, chained and start == floor):
            return start
    return None


def _bare_place_before(matches: list[TermMatch], i: int) -> TermMatch | None:
    """The glossary place without a suffix that ends at ``i`` (奎文 before 区), if any."""
    for m in matches:
        if m.end == i and m.term.type == "place" and m.term.file != "rule" and not split_suffix(m.term.zh)[1]:
            return m
    return None


def with_rule_places(text: str, glossary: Glossary | None, matches: list[TermMatch],
                     names: list[tuple[int, int]] = ()) -> list[TermMatch]:
    """``matches`` (the glossary's, in text order) with the places the glossary does not list added
    (石溪县, 枫林镇, 下坪村, 奎文区) as matches of made-up place Terms whose source reads "rule".

    A rule place never overlaps a glossary match, except where its suffix is the first character
    of one: before a slotted term (石溪|县委书记) the place is its bare name (石溪, romanised) for the
    term's slot; before a term whose rest is a term too (下坪|村党支部书记: 党支部书记) the place takes
    the suffix and the match is cut to the rest. A listed place without its suffix (株洲 in 株洲县)
    takes the suffix. ``names``: spans the name rules read as persons, never places.
    """
    starting = {m.start: m for m in matches}
    taken = bytearray(len(text))
    for m in matches:
        taken[m.start:m.end] = b"\x01" * (m.end - m.start)
    for start, end in names:
        taken[start:end] = b"\x01" * (end - start)
    out = list(matches)
    floor = 0  # a place's name starts after the last clause mark or match
    for i, ch in enumerate(text):
        if not is_han(ch):
            floor = i + 1
            continue
        if i > 0 and taken[i - 1] and not taken[i]:
            floor = max(floor, i)
        suffix = next((x for x in RULE_SUFFIXES if text.startswith(x, i)), None)
        if suffix is None:
            continue
        end = i + len(suffix)
        follower = starting.get(i)
        rest = None
        absorbed = None
        if follower is not None and follower.term.zh == suffix:  # 自治县 is a term of its own: the place takes it
            absorbed, follower = follower, None
        if follower is not None:
            if not follower.term.zh.startswith(suffix):
                continue
            if PLACE_SLOT not in follower.term.en:
                rest = glossary.lookup(follower.term.zh[len(suffix):]) if glossary is not None else None
                if rest is None:
                    continue
        elif (absorbed is None and any(taken[i:end])) or _suffix_in_word(text, i):
            continue
        bare = _bare_place_before(out, i) if follower is None else None
        if bare is not None:  # 奎文 + 区
            out.remove(bare)
            _, _, suffix_en, _ = split_suffix(text[bare.start:end])
            term = Term(zh=text[bare.start:end], en=f"{bare_english(bare.term.en)} {suffix_en}", type="place",
                        file="rule")
            out.append(TermMatch(bare.start, end, term))
            taken[bare.start:end] = b"\x01" * (end - bare.start)
            continue
        chained = any(m.term.type == "place" and (m.end == floor or (m.end == floor - 1 and text[floor - 1] == "、"))
                      for m in out)
        start = _name_before(text, i, floor, suffix, chained)
        if start is None or any(taken[start:i]):
            continue
        if suffix == "区" and not _listed_with_places(text, start, end, out):
            continue
        if follower is not None and rest is None:  # 石溪 for 县委书记's slot
            zh = text[start:i]
            out.append(TermMatch(start, i, Term(zh=zh, en=romanize_word(zh), type="place", file="rule")))
            continue
        out.append(TermMatch(start, end, rule_term(text[start:end])))
        if absorbed is not None:
            out.remove(absorbed)
        if follower is not None:  # 村党支部书记 -> 村 for the place, 党支部书记 for the term
            out.remove(follower)
            out.append(TermMatch(end, follower.end, rest))
        taken[start:end] = b"\x01" * (end - start)
    return sorted(out, key=lambda m: m.start)


def _listed_with_places(text: str, start: int, end: int, matches: list[TermMatch]) -> bool:
    """Whether a district read by rule stands with other places: right after one (常州市武进区) or after
    one in a 、 list (坊子 after 寒亭区、); or, its name being nobody's word or a proper noun, before
    another X区 in a list (奎文区、潍城区); 功能区、核心区 are no places."""
    if any(m.term.type == "place" and (m.end == start or (m.end == start - 1 and text[start - 1] == "、"))
           for m in matches):
        return True
    tag = words.word_tags().get(text[start:end - 1])
    if tag is not None and not tag.startswith(PROPER_TAGS):
        return False
    return text[end:end + 1] == "、" and re.match(r"[\u4e00-\u9fff]{2,3}区", text[end + 1:end + 5]) is not None


# Words a suffix character starts or ends with the character before it: there it is no suffix.
_SUFFIX_WORDS = {"乡村", "乡镇", "村镇", "镇村", "县乡", "县域", "村庄", "村落", "村寨", "村级", "乡土", "乡亲",
                 "区域", "区位", "区块", "区间", "区别", "区分"}


def _suffix_in_word(text: str, i: int) -> bool:
    """Whether the suffix character at ``i`` belongs to an ordinary word (以乡|村: 乡村 "countryside")."""
    return text[i:i + 2] in _SUFFIX_WORDS or (i > 0 and text[i - 1:i + 1] in _SUFFIX_WORDS)


# ---------------------------------------------------------------------------
# Filling slots
# ---------------------------------------------------------------------------

def render_matches(text: str, matches: list[TermMatch], glossary: Glossary | None,
                   edition_place: PlaceName | None) -> list[RenderedMatch]:
    """The matches of one sentence with their English, slots filled (see the module docstring).

    A place match that ends where a slotted term starts is merged into it. ``matches`` are in
    text order and do not overlap.
    """
    out: list[RenderedMatch] = []
    given: dict[str | None, PlaceName] = {}  # level -> the place written before a term of that level
    i = 0
    while i < len(matches):
        m = matches[i]
        nxt = matches[i + 1] if i + 1 < len(matches) else None
        if (m.term.type == "place" and nxt is not None and nxt.start == m.end and PLACE_SLOT in nxt.term.en
):
            place = PlaceName(m.term.zh, bare_english(m.term.en), place_level(m.term.zh, glossary))
            level = term_level(nxt.term.zh)
            given[level] = place
            out.append(RenderedMatch(m.start, nxt.end, fill_place(nxt.term.en, place.en), nxt.term, place, m.term))
            i += 2
            continue
        if PLACE_SLOT in m.term.en:
            level = term_level(m.term.zh)
            place = given.get(level)
            if place is None and edition_place is not None and (
                    edition_place.level is None or level is None or edition_place.level == level):
                place = edition_place
            out.append(RenderedMatch(m.start, m.end, render_term(m.term, place.en if place else None), m.term,
                                     place))
        else:
            out.append(RenderedMatch(m.start, m.end, m.term.en, m.term))
        i += 1
    return compose_titles(text, compose_places(text, out, glossary), glossary)


def compose_places(text: str, rendered: list[RenderedMatch], glossary: Glossary | None) -> list[RenderedMatch]:
    """Places written one inside the next, largest first (吉安市石溪县枫林镇下坪村, 常州市武进区), become
    one match in English address order, smallest first: "Xiaping Village, Fenglin Town, Shixi County,
    Ji'an", "Wujin District, Changzhou"."""
    out: list[RenderedMatch] = []
    i = 0
    while i < len(rendered):
        j = i
        levels = [_match_level(rendered[i], glossary)]
        while (j + 1 < len(rendered) and rendered[j + 1].start == rendered[j].end
               and rendered[j + 1].term.type == "place" and rendered[j].term.type == "place"
               and PLACE_SLOT not in rendered[j].term.en):
            level = _match_level(rendered[j + 1], glossary)
            if level is None or levels[-1] is None or LEVELS.index(level) <= LEVELS.index(levels[-1]):
                break
            levels.append(level)
            j += 1
        if j == i:
            out.append(rendered[i])
        else:
            chain = rendered[i:j + 1]
            en = ", ".join(r.en for r in reversed(chain))
            out.append(RenderedMatch(chain[0].start, chain[-1].end, en, chain[-1].term, None,
                                     chain[0].place_term or chain[0].term))
        i = j + 1
    return out


def _match_level(r: RenderedMatch, glossary: Glossary | None) -> str | None:
    if r.term.type != "place":
        return None
    level = place_level(r.term.zh, glossary if r.term.file != "rule" else None)
    return DISTRICT_AS_COUNTY.get(level, level)


# A district and a county are of one rank (both under a city).
DISTRICT_AS_COUNTY = {DISTRICT: COUNTY}


# Titles of foreign states and governments, after a country: 埃及总理 "Prime Minister of Egypt".
FOREIGN_TITLES = {"总统": "President", "副总统": "Vice President", "总理": "Prime Minister", "首相": "Prime Minister",
                  "副总理": "Deputy Prime Minister", "外长": "Foreign Minister", "外交部长": "Foreign Minister",
                  "国王": "King", "女王": "Queen", "王储": "Crown Prince", "议长": "Speaker"}
_CHINA = {"中国", "我国", "中华人民共和国", "中方"}
LONGEST_COMPOSED_TITLE = 5  # 主席, 副局长, 党委书记, 首席统计师: a longer title row names its body itself


def compose_titles(text: str, rendered: list[RenderedMatch], glossary: Glossary | None) -> list[RenderedMatch]:
    """A body followed by a title becomes "Title of Body": 民盟中央主席 -> "Chairman of the Central
    Committee of the China Democratic League", 国家统计局副局长 -> "Deputy Director of the National
    Bureau of Statistics", 市总工会主席 -> "Chairman of the Weifang Federation of Trade Unions"; with 原
    between, "former ...". A foreign country before a head of state or government: 埃及总理 -> "Prime
    Minister of Egypt" (China's own 总理 is the Premier, a glossary row). A town or village before a
    Party title: 下坪村党支部书记 -> "Secretary of the Party Branch of Xiaping Village".
    """
    out: list[RenderedMatch] = []
    i = 0
    while i < len(rendered):
        body = rendered[i]
        title = rendered[i + 1] if i + 1 < len(rendered) else None
        gap = text[body.end:title.start] if title is not None else ""
        if title is not None and title.term.type == "title" and gap in ("", "原") and PLACE_SLOT not in title.en \
                and title.end - title.start <= LONGEST_COMPOSED_TITLE:
            former = "former " if gap else ""
            en = None
            if body.term.type == "org" and PLACE_SLOT not in body.en:
                en = f"{former}{title.en} of {body.en}"
            elif body.term.type == "place" and text[body.start:body.end] not in _CHINA and \
                    text[title.start:title.end] in FOREIGN_TITLES and place_level(body.term.zh, glossary) is None:
                en = f"{former}{FOREIGN_TITLES[text[title.start:title.end]]} of {body.en}"
            elif body.term.type == "place" and text[title.start:title.start + 1] == "党" and \
                    place_level(body.term.zh, glossary if body.term.file != "rule" else None) in (TOWNSHIP, VILLAGE):
                # 下坪村党支部书记 -> "Secretary of the Party Branch of Xiaping Village"
                en = f"{former}{title.en} of {body.en}"
            if en is not None:
                out.append(RenderedMatch(body.start, title.end, en, title.term, body.place,
                                         body.place_term or body.term))
                i += 2
                continue
        out.append(body)
        i += 1
    return out
