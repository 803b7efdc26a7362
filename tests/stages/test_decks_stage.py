"""Headline decks: found in the Chinese (bilingual.zh.decks) and translated one by one (bilingual.stages.decks)."""

from __future__ import annotations

import re

from bilingual.engines.base import Hypothesis
from bilingual.model import Article, Edition, Paragraph, Segment, TermHit
from bilingual.signature import Signature
from bilingual.stages.decks import translate_decks
from bilingual.stages.translate import translate_edition
from bilingual.zh.decks import deck_spans, split_decks, split_english_decks

WORDS = {"朱健": "Zhu Jian", "带队": "led a team", "会谈": "for talks", "宋征": "Song Zheng", "参加": "attended",
         "坚决": "resolutely", "扛牢": "shoulder", "责任": "responsibility", "深化": "deepen", "联动": "links"}


class WordEngine:
    """Word by word from WORDS; placeholders copied; every call recorded."""

    name = "words"

    def __init__(self):
        self.calls: list[list[str]] = []

    def signature(self) -> Signature:
        return Signature(engine=self.name, model="words", version="1")

    def placeholder(self, index: int) -> str:
        return f"ZX{index}"

    def translate_batch(self, sentences, num_hypotheses=1):
        self.calls.append(list(sentences))
        out = []
        for text in sentences:
            words, i = [], 0
            while i < len(text):
                if text.startswith("ZX", i):
                    j = i + 2
                    while j < len(text) and text[j].isdigit():
                        j += 1
                    words.append(text[i:j])
                    i = j
                    continue
                match = next((zh for zh in WORDS if text.startswith(zh, i)), None)
                if match:
                    words.append(WORDS[match])
                    i += len(match)
                else:
                    i += 1
            out.append([Hypothesis(" ".join(words).capitalize(), -0.5)])
        return out


def test_decks_split_at_spaces_between_chinese_only():
    assert split_decks("坚决扛牢重大责任 持续深化两地发展联动 共同把衡阳人民的第二故乡建设得更加美好") == [
        "坚决扛牢重大责任", "持续深化两地发展联动", "共同把衡阳人民的第二故乡建设得更加美好"]
    assert split_decks("打造好“夜游湘江”文旅项目\u3000促进文旅产业高质量发展") == [
        "打造好“夜游湘江”文旅项目", "促进文旅产业高质量发展"]
    assert split_decks("苹果发布iPhone 15系列") == ["苹果发布iPhone 15系列"]  # a space beside Latin is a space
    assert split_decks("市政府召开常务会议") == ["市政府召开常务会议"]
    assert split_decks("") == [] and split_decks(None) == []
    text = "朱健带队赴国开行会谈 宋征参加"
    assert [text[a:b] for a, b in deck_spans(text)] == split_decks(text)
    assert split_english_decks("Zhu Jian leads talks\nSong Zheng attends") == ["Zhu Jian leads talks", "Song Zheng attends"]
    assert split_english_decks("One deck only") == ["One deck only"] and split_english_decks(None) == []


def edition_with_heads() -> Edition:
    subtitle = Segment(id="a-subtitle", zh="朱健带队会谈 宋征参加",
                       terms=[TermHit("朱健", "Zhu Jian", "person", 0, 2), TermHit("宋征", "Song Zheng", "person", 7, 9)])
    headline = Segment(id="a-headline", zh="坚决扛牢责任 深化联动")
    byline = Segment(id="a-byline", zh="衡阳晚报讯 (全媒体记者 陈润)")
    body = Segment(id="a-p0-s0", zh="朱健参加会谈。", terms=[TermHit("朱健", "Zhu Jian", "person", 0, 2)])
    article = Article(id="a", headline=headline, subtitle=subtitle, byline=byline,
                      paragraphs=[Paragraph(id="a-p0", segments=[body])])
    return Edition(source="page.txt", encoding="utf-8", articles=[article])


def test_each_deck_of_a_head_is_translated_on_its_own_and_kept_on_its_line():
    engine = WordEngine()
    edition = translate_edition(edition_with_heads(), engine)
    article = edition.articles[0]
    assert article.subtitle.en == "Zhu Jian led a team for talks Song Zheng attended"  # whole: decks run together
    translate_decks(edition, engine)
    assert article.subtitle.en == "Zhu Jian led a team for talks\nSong Zheng attended"
    assert article.headline.en == "Resolutely shoulder responsibility\nDeepen links"
    assert [h.status for h in article.subtitle.terms] == ["enforced", "enforced"]
    assert [(h.start, h.end) for h in article.subtitle.terms] == [(0, 2), (7, 9)]  # the head's own offsets kept
    assert "\n" not in article.byline.en  # a byline's space is not a deck break
    assert article.paragraphs[0].segments[0].en == "Zhu Jian attended for talks"  # body sentences untouched
    assert sorted(engine.calls[-1]) == sorted(["ZX0带队会谈", "ZX0参加", "坚决扛牢责任", "深化联动"])


def test_a_term_missed_in_a_deck_flags_the_head():
    class Drops(WordEngine):
        def translate_batch(self, sentences, num_hypotheses=1):
            results = super().translate_batch(sentences, num_hypotheses)
            return [[Hypothesis(re.sub(r"(?i)zx0|zhu jian", "", h.text).strip() or "x", h.score) for h in r]
                    for r in results]

    engine = Drops()
    edition = translate_edition(edition_with_heads(), WordEngine())
    translate_decks(edition, engine)
    subtitle = edition.articles[0].subtitle
    assert "missed-term" in subtitle.flags
    assert [h.status for h in subtitle.terms] == ["missed", "repaired"]  # 宋征 is its deck's ZX0 too


def test_a_persons_english_of_a_head_is_never_translated_again():
    engine = WordEngine()
    edition = translate_edition(edition_with_heads(), engine)
    subtitle = edition.articles[0].subtitle
    subtitle.set_human("Zhu Jian leads talks, Song Zheng attends", "xliff", "approved", by="ana")
    translate_decks(edition, engine)
    assert subtitle.en == "Zhu Jian leads talks, Song Zheng attends" and subtitle.is_human
    assert edition.articles[0].headline.en == "Resolutely shoulder responsibility\nDeepen links"  # the machine's is
    assert edition.articles[0].headline.origin.origin == "engine"


def test_a_decked_head_survives_an_xliff_round_trip_and_a_reviewer_keeps_its_lines():
    from bilingual.read.xliff import ReviewedUnit
    from bilingual.stages.review import apply_review

    engine = WordEngine()
    edition = translate_decks(translate_edition(edition_with_heads(), engine), engine)
    headline, subtitle = edition.articles[0].headline, edition.articles[0].subtitle
    # A CAT tool that flattened the line breaks, the English otherwise untouched: nothing changed.
    units = [ReviewedUnit(headline.id, headline.zh, headline.en.replace("\n", " "), "needs-review-translation")]
    assert apply_review(edition, units) == (set(), [])
    assert headline.en == "Resolutely shoulder responsibility\nDeepen links" and not headline.is_human
    # A reviewer's new decks keep their lines; a body sentence stays one line.
    body = edition.articles[0].paragraphs[0].segments[0]
    units = [ReviewedUnit(subtitle.id, subtitle.zh, "Zhu Jian leads talks\n  Song Zheng attends ", "translated"),
             ReviewedUnit(body.id, body.zh, "Zhu Jian\nattended the talks.", "translated")]
    changed, _ = apply_review(edition, units)
    assert changed == {subtitle.id, body.id}
    assert subtitle.en == "Zhu Jian leads talks\nSong Zheng attends" and subtitle.is_human
    assert body.en == "Zhu Jian attended the talks."
