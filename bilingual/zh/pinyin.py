"""Romanising Chinese: person names as English-language news in China writes them, and other proper nouns.

Surname first, given name as one word, both capitalised, no tones (刘越高 -> "Liu Yuegao");
compound surnames stay one word (欧阳 -> "Ouyang"); surnames read as surnames (单 Shan,
曾 Zeng, 解 Xie ...). Every part of the tool that romanises a name (name finding, the gloss
engine, alignment anchors) calls ``romanize_name``, so they agree.
"""

from __future__ import annotations

import re

COMPOUND_SURNAMES = {
    "欧阳": "Ouyang", "司马": "Sima", "诸葛": "Zhuge", "上官": "Shangguan", "尉迟": "Yuchi", "司徒": "Situ",
    "东方": "Dongfang", "皇甫": "Huangfu", "令狐": "Linghu", "夏侯": "Xiahou", "慕容": "Murong",
    "公孙": "Gongsun", "长孙": "Zhangsun", "宇文": "Yuwen", "端木": "Duanmu", "独孤": "Dugu", "南宫": "Nangong",
    "西门": "Ximen", "轩辕": "Xuanyuan", "澹台": "Tantai", "呼延": "Huyan", "百里": "Baili", "申屠": "Shentu",
    "闻人": "Wenren", "赫连": "Helian", "万俟": "Moqi", "单于": "Chanyu", "司空": "Sikong", "太史": "Taishi",
}
# Characters whose reading as a surname differs from their most common reading.
SURNAME_READINGS = {
    "单": "Shan", "曾": "Zeng", "解": "Xie", "区": "Ou", "仇": "Qiu", "朴": "Piao", "查": "Zha", "翟": "Zhai",
    "盖": "Ge", "缪": "Miao", "任": "Ren", "华": "Hua", "纪": "Ji", "覃": "Qin", "乐": "Yue", "尉": "Wei",
    "种": "Chong", "繁": "Po", "员": "Yun", "秘": "Bi", "过": "Guo", "召": "Shao", "祭": "Zhai", "句": "Gou",
    "相": "Xiang", "沈": "Shen", "石": "Shi", "柏": "Bai", "薄": "Bo", "长": "Chang", "重": "Chong",
    "都": "Du", "藏": "Zang", "宿": "Su", "隗": "Wei", "阚": "Kan", "郇": "Huan", "折": "She", "黑": "He",
    "朝": "Chao", "炅": "Gui", "洗": "Xian", "冼": "Xian", "哈": "Ha", "能": "Nai", "叶": "Ye", "吕": "Lyu",
    "闵": "Min", "卢": "Lu", "于": "Yu", "余": "Yu", "俞": "Yu", "虞": "Yu",
}
# Common single-character surnames (the "hundred families" most frequent today).
SINGLE_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
    "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古"
    "吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫"
    "寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻"
    "位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦"
    "戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但"
    "尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由傅阎萧冼揭丘邸藤"
)


def syllables(text: str) -> list[str]:
    """Toneless pinyin syllables of ``text`` (a character without a reading gives nothing)."""
    from pypinyin import Style, lazy_pinyin  # pypinyin's tables take 0.2 s to load: only when a name needs them

    out = []
    for s in lazy_pinyin(text, style=Style.NORMAL, v_to_u=False, errors=lambda chars: ["" for _ in chars]):
        # ü is written "yu" after l and n (passport usage: Lyu, Nyu), "u" elsewhere (ju, qu, xu, yu).
        s = s.replace("lv", "lyu").replace("nv", "nyu").replace("v", "u")
        if s and s.isascii():
            out.append(s)
    return out


def join_syllables(parts: list[str]) -> str:
    """Pinyin syllables as one word, with an apostrophe before a, o, e that starts a later syllable (Jian'an)."""
    word = ""
    for s in parts:
        if not s:
            continue
        if word and s[0] in "aoe":
            word += "'"
        word += s
    return word


def romanize_word(text: str) -> str:
    """Any Chinese proper noun as one capitalised pinyin word: 鄯善 -> "Shanshan", 吉安 -> "Ji'an"."""
    return join_syllables(syllables(text)).capitalize()


def split_name(zh: str) -> tuple[str, str]:
    """(surname, given name): a compound surname when the name starts with one and is longer than it."""
    if len(zh) >= 3 and zh[:2] in COMPOUND_SURNAMES:
        return zh[:2], zh[2:]
    return zh[:1], zh[1:]


def romanize_surname(surname: str) -> str:
    if surname in COMPOUND_SURNAMES:
        return COMPOUND_SURNAMES[surname]
    if surname in SURNAME_READINGS:
        return SURNAME_READINGS[surname]
    return romanize_word(surname)


def romanize_name(zh: str) -> str:
    """A Chinese person name -> "Surname Givenname": 刘越高 -> "Liu Yuegao", 欧阳修 -> "Ouyang Xiu".

    A transliterated name with a middle dot (买买提·艾力) keeps its order, each part one word.
    """
    zh = zh.strip()
    if not zh:
        return ""
    if "·" in zh or "•" in zh:
        return " ".join(romanize_word(p) for p in re.split(r"[·•]", zh) if p)
    surname, given = split_name(zh)
    family = romanize_surname(surname)
    given_word = romanize_word(given) if given else ""
    return f"{family} {given_word}".strip()
