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


# --- names wherever they stand ---------------------------------------------------------------

def test_names_after_any_role_and_along_a_list_after_it():
    g = load_glossary()
    assert names("大会执行主席汪承远、陈秋华、何立新、宋雅丽在主席台前排就座。", g)[-1] == ("宋雅丽", "Song Yali", "list")
    assert names("潍坊海晟新材料有限公司总经理韩志强、潍坊市人民医院院长高峰、寿光市前杨村党支部书记王建国、高密市一家纺织"
                 "企业的挡车工阿依古丽·买买提等劳模代表上台领奖。", g) == [
        ("韩志强", "Han Zhiqiang", "title"), ("高峰", "Gao Feng", "title"), ("王建国", "Wang Jianguo", "title"),
        ("阿依古丽·买买提", "Ayiguli Maimaiti", "dotted")]
    assert names("株洲市委书记钟卫东、市长石向阳陪同。", g)[-1] == ("石向阳", "Shi Xiangyang", "title")
    assert names("国家统计局副局长盛来运当天说。", g) == [("盛来运", "Sheng Laiyun", "title")]
    assert names("刘胜利会见李德厚院士一行", g) == [("李德厚", "Li Dehou", "verb")]
    assert names("共青团中央第一书记阿东在北京西站看望旅客。", g) == [("阿东", "A Dong", "title")]


def test_a_dictionary_word_is_a_name_only_as_a_whole_list_item_after_a_title():
    g = load_glossary()
    assert names("院长高峰、副院长王明出席", g)[0] == ("高峰", "Gao Feng", "title")
    assert names("院长高度重视此事", g) == []


def test_foreign_names_with_their_latin_original_are_rendered_once_in_the_original():
    g = load_glossary()
    found = find_names("联合国秘书长安东尼奥·古特雷斯（António Guterres）、柬埔寨首相洪玛奈（Hun Manet）等出席会议。", g)
    assert [(n.zh, n.en, n.how) for n in found] == [
        ("安东尼奥·古特雷斯（António Guterres）", "António Guterres", "latin"),
        ("洪玛奈（Hun Manet）", "Hun Manet", "latin")]
    assert found[0].short == (("古特雷斯", "Guterres"),)
    assert names("会见了安瓦尔·易卜拉欣（Anwar Ibrahim）", g) == [
        ("安瓦尔·易卜拉欣（Anwar Ibrahim）", "Anwar Ibrahim", "latin")]


def test_the_last_part_of_a_foreign_name_is_its_original_on_the_whole_page():
    from bilingual.model import Article, Edition, Paragraph, Segment
    from bilingual.stages.terms import find_terms

    g = load_glossary()
    segs = [Segment("s1", "国家主席习近平会见埃及总理穆斯塔法·马德布利（Mostafa Madbouly）。"),
            Segment("s2", "习近平在会见马德布利时表示。")]
    find_terms(Edition(source="p.txt", encoding="utf-8", articles=[Article(
        id="a", headline=Segment("h", "王毅同巴西外长维埃拉通电话"), paragraphs=[Paragraph("p", segs)])]), g)
    assert ("马德布利", "Madbouly") in [(h.zh, h.en) for h in segs[1].terms]


def test_dotted_names_stop_at_ordinary_words_and_titles_of_works_are_no_names():
    g = load_glossary()
    assert names("阿依古丽·买买提来自新疆维吾尔自治区喀什地区。", g) == [
        ("阿依古丽·买买提", "Ayiguli Maimaiti", "dotted")]
    assert names("大型实景演出《印象·刘三姐》", g) == []


def test_tibetan_names_by_their_elements():
    assert names("合作社负责人次仁央宗介绍") == [("次仁央宗", "Ciren Yangzong", "tibetan")]
    assert names("“一年能多挣两万多元。”搬迁群众扎西顿珠说。") == [("扎西顿珠", "Zhaxi Dunzhu", "tibetan")]


def test_two_character_persons_are_not_read_inside_words():
    g = Glossary([Term("何维", "He Wei", "person"), Term("李强", "Li Qiang", "person")])
    assert names("如何维护群众利益", g) == [] and names("任何维权行为", g) == []
    assert names("何维主持会议", g) == [("何维", "He Wei", "glossary")]
    assert names("副主席何维指出", g) == [("何维", "He Wei", "glossary")]
    assert names("国务院总理李强调研", g) == [("李强", "Li Qiang", "glossary")]
