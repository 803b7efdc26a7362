"""Name romanisation and the context rules that find names."""

from __future__ import annotations

import pytest

from bilingual.terms.glossary import Glossary, Term, load_glossary
from bilingual.terms.names import find_names
from bilingual.zh.pinyin import romanize_name

TITLES = Glossary([Term("市长", "Mayor of {place}", "title"), Term("副市长", "Vice Mayor of {place}", "title"),
                   Term("市委书记", "Secretary of the CPC {place} Municipal Committee", "title"),
                   Term("局长", "Director", "title"), Term("记者", "reporter", "term")])


@pytest.mark.parametrize("zh, en", [
    ("刘越高", "Liu Yuegao"), ("于新凡", "Yu Xinfan"), ("梅帅元", "Mei Shuaiyuan"), ("张伟", "Zhang Wei"),
    ("欧阳修", "Ouyang Xiu"), ("司马光", "Sima Guang"), ("诸葛亮", "Zhuge Liang"), ("上官婉儿", "Shangguan Wan'er"),
    ("尉迟恭", "Yuchi Gong"),
    ("单田芳", "Shan Tianfang"), ("曾国藩", "Zeng Guofan"), ("解缙", "Xie Jin"), ("区志航", "Ou Zhihang"),
    ("仇英", "Qiu Ying"), ("朴槿惠", "Piao Jinhui"), ("查良镛", "Zha Liangyong"), ("翟志刚", "Zhai Zhigang"),
    ("吕建安", "Lyu Jian'an"), ("买买提·艾力", "Maimaiti Aili"),
])
def test_romanize_name(zh, en):
    assert romanize_name(zh) == en


def test_romanized_given_name_is_one_capitalised_word():
    en = romanize_name("陈章杰")
    assert en == "Chen Zhangjie"
    assert en.count(" ") == 1


def names(text, glossary=TITLES):
    return [(n.zh, n.en, n.how) for n in find_names(text, glossary)]


def test_name_after_title_ends_where_the_clause_goes_on():
    assert names("市长王建国主持会议") == [("王建国", "Wang Jianguo", "title")]
    assert names("副市长王健主持会议") == [("王健", "Wang Jian", "title")]
    assert names("市委书记刘越高率代表团") == [("刘越高", "Liu Yuegao", "title")]


def test_two_readings_prefer_the_short_name_before_a_follow_word():
    assert names("市长朱健说，") == [("朱健", "Zhu Jian", "title")]


def test_no_name_where_ordinary_words_follow_a_title():
    assert names("市长高度重视此事") == []
    assert names("市长在会上说") == []
    assert names("市长和副市长出席") == []
    assert names("局长表示") == []


def test_names_in_a_list_after_leaders():
    assert names("市领导胡丘陵、谢宏参加会见。") == [("胡丘陵", "Hu Qiuling", "list"), ("谢宏", "Xie Hong", "list")]
    # 于 is a surname here though it is also a preposition
    assert [n[0] for n in names("衡阳市领导于新凡、尹培国参加慰问")] == ["于新凡", "尹培国"]


def test_names_in_bylines():
    assert names("（记者 陈润）") == [("陈润", "Chen Run", "byline")]
    assert names("记者 王小明 通讯员 李四") == [("王小明", "Wang Xiaoming", "byline"), ("李四", "Li Si", "byline")]
    assert names("通讯员 欧阳明") == [("欧阳明", "Ouyang Ming", "byline")]


def test_glossary_persons_keep_their_glossary_english():
    g = load_glossary()
    got = names("朱健对国开行表示感谢", g)
    assert got == [("朱健", "Zhu Jian", "glossary")]


def test_no_names_in_plain_prose():
    assert names("高质量发展潜力巨大，文化产业和旅游融合") == []


def test_jieba_decides_when_no_follow_word_does():
    assert names("市长王建国昨天来到现场") == [("王建国", "Wang Jianguo", "title")]


def test_chained_titles_and_surname_readings_in_context():
    g = load_glossary()
    assert names("省委书记沈晓明指出", g) == [("沈晓明", "Shen Xiaoming", "title")]
    assert names("市委常委、副市长李明主持", g) == [("李明", "Li Ming", "title")]
    assert names("市长欧阳明日前到", g) == [("欧阳明", "Ouyang Ming", "title")]


@pytest.mark.parametrize("text", ["市长热线", "市长信箱", "书记处", "董事长单位", "局长办公会", "市长方面表示",
                                  "市长高兴地说", "市长高度评价"])
def test_title_followed_by_ordinary_words_is_no_name(text):
    g = Glossary([Term("市长", "Mayor", "title"), Term("书记", "Secretary", "title"),
                  Term("董事长", "Chairman", "title"), Term("局长", "Director", "title")])
    assert names(text, g) == []
