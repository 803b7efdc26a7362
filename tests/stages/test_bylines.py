"""The bylines stage: datelines and bylines in English convention, set once and never translated."""

from __future__ import annotations

import pytest

from bilingual.engines import gloss
from bilingual.model import Article, Edition, Paragraph, Segment
from bilingual.read.page import match_byline
from bilingual.stages.bylines import BYLINE_ENGINE, date_english, render_bylines
from bilingual.stages.quality import flag_quality
from bilingual.stages.terms import find_terms
from bilingual.stages.translate import translate_edition
from bilingual.terms.glossary import load_glossary

G = load_glossary()


def rendered(byline: str, paper: str | None = None, source: str = "page.txt") -> Segment:
    article = Article(id="a1", headline=Segment("a1-h", "标题"), byline=Segment("a1-b", byline),
                      paragraphs=[Paragraph("p1", [Segment("s1", "会议指出，要稳增长。")])])
    edition = Edition(source=source, encoding="utf-8", paper=paper, articles=[article])
    return render_bylines(find_terms(edition, G), G).articles[0].byline


@pytest.mark.parametrize("zh, en", [
    ("新华社北京8月18日电（记者 钟华、李雯雯）", "BEIJING, Aug. 18 (Xinhua) — By Zhong Hua and Li Wenwen"),
    ("新华社拉萨8月23日电", "LHASA, Aug. 23 (Xinhua) —"),
    ("新华社拉萨电", "LHASA (Xinhua) —"),
    ("中新网北京1月21日电", "BEIJING, Jan. 21 (China News Service) —"),
    ("人民日报北京3月5日电（记者 许宁）", "BEIJING, March 5 (People's Daily) — By Xu Ning"),
    ("新华社天津9月1日电", "TIANJIN, Sept. 1 (Xinhua) —"),
    ("湖南日报1月22日讯（全媒体记者 唐甜 刘笑宇）", "By Tang Tian and Liu Xiaoyu, Hunan Daily, Jan. 22"),
])
def test_datelines_in_xinhua_style(zh, en):
    assert rendered(zh).en == en


def test_the_papers_own_byline_names_the_paper():
    assert rendered("衡阳晚报讯 (全媒体记者 陈润)").en == "By Chen Run, Hengyang Evening News"
    # 本报 is the edition's paper: from the page, else the paper whose English the file name spells.
    assert rendered("本报北京4月16日讯（记者 黄晓芸）", paper="经济日报").en == \
        "BEIJING, April 16 (Economic Daily) — By Huang Xiaoyun"
    assert rendered("本报北京4月16日讯", source="pages/economic-daily-2024-04-17.txt").en == \
        "BEIJING, April 16 (Economic Daily) —"
    # A paper the glossary does not list: its place and what it is.
    assert rendered("株洲日报讯（记者 王小明）").en == "By Wang Xiaoming, Zhuzhou Daily"


def test_reporters_and_correspondents():
    assert rendered("记者 王小明 通讯员 李四").en == "By Wang Xiaoming; correspondent Li Si"
    assert rendered("新华社北京8月18日电（记者 王小明 摄影 李四）").en == \
        "BEIJING, Aug. 18 (Xinhua) — By Wang Xiaoming; Photo: Li Si"


def test_month_forms():
    assert [date_english(f"{m}月1日") for m in range(1, 13)] == [
        "Jan. 1", "Feb. 1", "March 1", "April 1", "May 1", "June 1", "July 1", "Aug. 1", "Sept. 1", "Oct. 1",
        "Nov. 1", "Dec. 1"]


def test_the_byline_is_not_translated_and_its_terms_verify():
    article = Article(id="a1", headline=Segment("a1-h", "国务院常务会议召开"),
                      byline=Segment("a1-b", "新华社北京8月23日电（记者 白宇辰、孙浩）"),
                      paragraphs=[Paragraph("p1", [Segment("s1", "国务院总理李强主持会议。")])])
    edition = render_bylines(find_terms(Edition(source="p.txt", encoding="utf-8", articles=[article]), G), G)
    edition = flag_quality(translate_edition(edition, gloss.GlossEngine(), glossary=G), G)
    byline = edition.articles[0].byline
    assert byline.en == "BEIJING, Aug. 23 (Xinhua) — By Bai Yuchen and Sun Hao"
    assert byline.engine == BYLINE_ENGINE and not byline.flags
    assert [(h.zh, h.type) for h in byline.terms] == [("新华社北京8月23日电", "dateline"), ("白宇辰", "name"),
                                                     ("孙浩", "name")]
    assert all(h.status == "verified" for h in byline.terms)
    assert edition.articles[0].paragraphs[0].segments[0].engine == "gloss"


@pytest.mark.parametrize("line", ["新华社北京8月18日电（记者 X）", "新华社拉萨电", "中新网北京1月21日电", "本报北京4月16日讯",
                                  "人民日报北京1月22日电（记者 王冰清）", "湖南日报1月22日讯（全媒体记者 唐甜）", "本报讯"])
def test_the_reader_knows_these_datelines(line):
    assert match_byline(line + "全国政协22日在京召开双周协商座谈会。") is not None


@pytest.mark.parametrize("line", ["衡阳广播电视台电视节目精彩纷呈。", "新华社记者从国家统计局获悉。", "报社电话"])
def test_ordinary_openings_are_no_datelines(line):
    assert match_byline(line) is None
