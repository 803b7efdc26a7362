"""A small hand-built bilingual edition for the writer tests (no reader, no engine needed)."""

from __future__ import annotations

import pytest

from bilingual.model import Article, Edition, Paragraph, Provenance, Segment, Suggestion, TermHit
from bilingual.signature import Signature

# Two articles from the seed page, as the reader and segmenter should produce them.
ARTICLE_TEXTS = [
    {
        "kicker": ("刘越高赴新疆鄯善县看望慰问衡阳市第十批援疆工作队员",
                   "Liu Yuegao visits Shanshan County, Xinjiang, to see Hengyang's tenth aid team"),
        "headline": ("坚决扛牢重大责任 持续深化两地发展联动",
                     "Shoulder the great responsibility and deepen joint development"),
        "byline": ("衡阳晚报讯 (全媒体记者 陈润)", "Hengyang Evening News (reporter Chen Run)"),
        "paragraphs": [
            [("8月17—18日,市委书记刘越高率衡阳市党政代表团赴鄯善县。",
              "On 17-18 August, Party Secretary Liu Yuegao led a Hengyang delegation to Shanshan County."),
             ("他强调,要持续深化两地对接、发展联动。",
              "He stressed that the two places must keep deepening their links."),
             ("以具体行动和实际成效为援疆事业贡献衡阳力量。",
              "Hengyang must contribute to the aid effort with concrete action and real results.")],
            [("据了解,衡阳市第十批援疆工作队于2023年5月正式入疆,目前有队员28名。",
              "Hengyang's tenth aid team entered Xinjiang in May 2023 and now has 28 members."),
             ("入疆以来,工作队牢记使命要求,主动担当作为。",
              "Since arriving, the team has kept its mission in mind and taken the initiative.")],
        ],
    },
    {
        "headline": ("携手同心开创合作共赢发展的新局面",
                     "Join hands to open a new chapter of win-win cooperation"),
        "subtitle": ("朱健带队赴国家开发银行湖南省分行会谈工作 宋征参加",
                     "Zhu Jian leads talks at the China Development Bank Hunan branch; Song Zheng attends"),
        "byline": ("衡阳晚报讯 (全媒体记者 罗文鹏)", "Hengyang Evening News (reporter Luo Wenpeng)"),
        "paragraphs": [
            [("8月18日上午,市委副书记、市长朱健带队赴国家开发银行湖南省分行会谈工作。",
              "On the morning of 18 August, Mayor Zhu Jian led a team to the China Development Bank Hunan branch."),
             ("朱健对国开行长期以来对衡阳经济社会发展的鼎力支持表示衷心感谢。",
              "Zhu Jian thanked the bank for its long support of Hengyang's development."),
             ("2020年至今,国开行在衡阳的贷款余额新增约130亿元。",
              "Since 2020 the bank's outstanding loans in Hengyang have grown by about 13 billion yuan.")],
            [("副市长谢宏,国开行湖南分行副行长张伟参加。",
              "Vice Mayor Xie Hong and Zhang Wei, vice president of the branch, attended.")],
        ],
    },
]


def build_edition(articles=ARTICLE_TEXTS, engine: str = "gloss", repeat: int = 1, reviewed: bool = False) -> Edition:
    """An Edition shaped like the seed's, with English already filled in by ``engine``."""
    edition = Edition(source="seeds/hengyang-evening-news-2023-08-19.txt", encoding="utf-8",
                      paper="衡阳晚报", date="2023-08-19", place="Hengyang",
                      signature=Signature(engine=engine, model="cc-cedict-test", glossary="g1a2b3c4",
                                          tool="0.1.0"))
    for r in range(repeat):
        for a_index, spec in enumerate(articles):
            aid = f"a{r}-{a_index}"
            heads = {part: Segment(id=f"{aid}-{part}", zh=spec[part][0], en=spec[part][1], engine=engine,
                                   origin=Provenance.from_engine_label(engine))
                     for part in ("kicker", "headline", "subtitle", "byline") if part in spec}
            paragraphs = []
            for p_index, sentences in enumerate(spec["paragraphs"]):
                pid = f"{aid}-p{p_index}"
                segs = [Segment(id=f"{pid}-s{s_index}", zh=zh, en=en, engine=engine,
                                origin=Provenance.from_engine_label(engine))
                        for s_index, (zh, en) in enumerate(sentences)]
                paragraphs.append(Paragraph(id=pid, segments=segs))
            edition.articles.append(Article(id=aid, paragraphs=paragraphs, **heads))
    # A flagged segment with a term hit, for highlighting and the XLIFF notes.
    first = edition.articles[0].paragraphs[0].segments[0]
    first.flags.append("term-missed")
    first.terms.append(TermHit(zh="市委书记", en="Party Secretary", type="title", start=16, end=20,
                               status="verified", source="glossary/hengyang.tsv:3"))
    if reviewed:
        # A reviewer's work on the second article: one sentence approved, one translated, one with a
        # fuzzy match offered.
        second = edition.articles[1].paragraphs[0].segments
        second[0].set_human(second[0].en, "xliff", "approved", by="ana", at="2023-08-19T10:00:00Z")
        second[1].set_human(second[1].en, "web", "translated", at="2023-08-19T11:30:00Z")
        second[2].suggestions = [Suggestion(en="Since 2020 loans have grown by about 13 billion yuan.",
                                            zh="2020年至今,国开行贷款余额新增约130亿元。", score=0.86,
                                            memory="project")]
    return edition


@pytest.fixture(scope="session")
def make_edition():
    """``build_edition`` itself: with --import-mode=importlib test modules cannot import conftest."""
    return build_edition


@pytest.fixture
def edition() -> Edition:
    return build_edition()


def build_newspaper(repeat: int = 1) -> Edition:
    """``build_edition`` as the pipeline now leaves it for the writers: the paper's English name, heads
    translated deck by deck (one English line per Chinese deck), straight quotes and a hyphenated range
    in the English for the writers to set in print typography."""
    edition = build_edition(repeat=repeat)
    edition.paper_en = "Hengyang Evening News"
    for article in edition.articles:
        if article.headline.zh.startswith("坚决"):
            article.headline.en = "Shoulder the great responsibility\nDeepen joint development"
            article.paragraphs[0].segments[1].en = 'He stressed that the two places must keep "deepening their links".'
        if article.subtitle is not None:
            article.subtitle.en = "Zhu Jian leads talks at the China Development Bank Hunan branch\nSong Zheng attends"
    return edition


@pytest.fixture(scope="session")
def make_newspaper():
    return build_newspaper


@pytest.fixture(scope="session")
def render_pdf(tmp_path_factory, translated_seed):
    """``render_pdf(kind, layout, paper)`` -> a ``pdf_facts.Rendered``, each rendered once a session.

    ``kind``: "seed" (the gloss translation of the seed page; its side-by-side A4 PDF is the one the
    batch wrote) or "long" (``build_newspaper(repeat=8)``: sixteen articles, about ten pages).
    """
    import json

    from pdf_facts import Rendered

    from bilingual.config import WriteOptions
    from bilingual.write.pdf import write_pdf

    seed_dir = next(p for p in translated_seed.iterdir() if p.is_dir() and not p.name.startswith("."))
    seed = Edition.from_json(json.loads((seed_dir / f"{seed_dir.name}.json").read_text(encoding="utf-8")))
    editions = {"seed": seed, "long": build_newspaper(repeat=8)}
    out = tmp_path_factory.mktemp("layouts")
    cache: dict[tuple[str, str, str], Rendered] = {}

    def render(kind: str, layout: str, paper: str) -> Rendered:
        key = (kind, layout, paper)
        if key not in cache:
            if key == ("seed", "side-by-side", "A4"):
                path = seed_dir / f"{seed_dir.name}.zh-en.pdf"
            else:
                path = write_pdf(editions[kind], out / f"{kind}-{layout}-{paper}.pdf",
                                 WriteOptions(layout=layout, paper=paper))
            cache[key] = Rendered(path, editions[kind])
        return cache[key]

    return render
