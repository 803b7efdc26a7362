"""From a page's blocks (lines of text, DOCX paragraphs, HTML elements) to an Edition.

Every reader turns its format into a list of ``Block``s (text, source line, and a
``heading`` mark when the format says so: ``#``/``##`` in text, a Heading/Title style
in DOCX, ``<h1>`` in HTML) and calls ``build_edition``. The rules below are the same
for every format.

Structure rules
---------------
Sentence-final means: after any closing quotes/brackets, the block ends with
``。！？!?…`` (or ``.`` after Chinese).

A short line holding a full date (``2023年8月19日``) is a masthead: never a kicker,
headline or subtitle candidate; the first three lines give ``Edition.date`` when the file
name has none.

*Marked pages* (at least one heading block): each heading is an article's headline.
 - Kicker: the block just before a headline, if it is not a byline, is at most 48
   characters and does not end sentence-final. When the block before the kicker is body
   text that does not end sentence-final either (it might continue into the kicker),
   an ``uncertain-headline`` warning is given.
 - Subtitle: the block just after a headline, if it is not a byline, has no sentence-final
   ending and no ``，、；：`` ending, and either a byline follows it (certain) or it is at
   most 48 characters (``uncertain-headline``).
 - Byline: the next block, if it matches a byline/dateline (``衡阳晚报讯 (全媒体记者 陈润)``,
   ``本报讯``, ``新华社北京8月18日电``, ``记者 X 通讯员 Y``). A dateline that runs into the
   first paragraph on the same line is split off: the rest is the first paragraph.

*Unmarked pages*: a headline candidate is a block of at most 48 characters (spaces not
counted) that is not a byline, has no sentence-final ending, does not end in
``，、；：—``, has no ``。！？`` inside, and follows the page start, a byline-less
head, or a block that ends sentence-final (a block after an unfinished one is a
column fragment, not a headline). A run of 1-3 candidates followed by a byline is a
head for certain. Followed by body text, only on a page without any byline, the last
line of the run is a headline (lines with a comma do not count there), with an ``uncertain-headline``
warning; on a page with bylines such a line is a column fragment of the body.
One candidate: headline. Two: headline and subtitle when the second has a subtitle's
shape (opens with a dash, or ends with who took part: 参加, 主持, 出席, 陪同, 会见 ... 一行,
讲话, 调研 ...), else kicker and headline; either way ``uncertain-headline``. Three:
kicker, headline, subtitle. Text before the
first head becomes an article whose headline is its first block (``uncertain-headline``), or,
when that block is long or holds a sentence end, an article with an empty headline (``no-headline``).

Column-break repair
-------------------
A body block that does not end sentence-final (nor with ``：``, which leads into a list)
is joined with the next body block (``column-join`` warning). When the last character
before the break equals the first after it and the doubled pair is not a word (常常,
谢谢, 看看 are kept) nor the start of a word that begins after the break (学习|习近平
is kept), the second copy is dropped (``doubled-char`` warning); a kept double is also
reported (``doubled-char``, "kept").

Text
----
``Segment.source`` is the block's text exactly as read (joined blocks are joined with
the newlines that separated them, so line numbers can be recovered); ``Segment.zh`` has
half-width punctuation made full-width (``halfwidth-punct`` warning, one per line), and
is converted to the requested script; ``Segment.key`` is the simplified form of ``zh``
for traditional pages.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import PurePath

from ..errors import UsageError
from ..model import Article, Edition, Paragraph, Segment, stable_id
from ..zh.script import HAN_RANGES, converter, is_han
from ..zh.words import frequencies as word_frequencies
from .encoding import detect_script, opencc_profile
from .punctuation import fullwidth_punctuation

HEAD_MAX_CHARS = 48
SUBTITLE_MAX_CHARS = 80

_CLOSERS = "”’」』）)》】〕〉\"'"
_FINAL = "。！？!?…"
_NO_HEAD_ENDING = "，、；：,;:—"
_INNER_FINAL = re.compile(r"[。！？]")
_SPACES = re.compile(r"\s+")

# Bylines and datelines. Anchored at the start of a block. A dateline names its outlet (a paper, an agency,
# a website), then may name a place and a date, and ends in 讯 or 电: 衡阳晚报讯, 本报北京4月16日讯,
# 湖南日报1月22日讯, 新华社北京8月18日电, 人民日报北京1月22日电, 中新网北京1月21日电. A 电 needs a date
# (广播电视台电视… is not a dateline), except after an agency: 新华社拉萨电.
_HAN = f"[{HAN_RANGES}]"
_AGENCIES = "新华社|新華社|中新社|中新网|中新網|人民网|人民網|新华网|新華網|央视网|央視網|中国日报网|中國日報網"
_DATE = r"\d{1,2}月\d{1,2}日"
_REPORTERS = r"(?:[ \t\u3000]*[(（][^()（）\n]{1,40}[)）])?"
_BYLINE = re.compile(
    rf"""^(?:
        (?P<paper>{_HAN}{{0,10}}?(?:报|報|网|網|社|台|臺|刊|客户端|客戶端))
          (?:(?P<place>{_HAN}{{0,8}}?)(?P<date>{_DATE}))?[讯訊]{_REPORTERS}  # 衡阳晚报讯, 本报北京4月16日讯
      | (?P<outlet>{_HAN}{{0,10}}?(?:报|報|网|網|社|台|臺))
          (?P<dplace>{_HAN}{{0,8}}?)(?P<ddate>{_DATE})[电電]{_REPORTERS}  # 新华社北京8月18日电
      | (?P<agency>{_AGENCIES})(?P<aplace>{_HAN}{{1,8}}?)[电電]{_REPORTERS}  # 新华社拉萨电
    )""",
    re.VERBOSE,
)
_NAME = r"[\u4e00-\u9fff·]{2,5}"
_ROLE = (r"(?:(?:本报|本報|全媒体|全媒體|融媒体|融媒體|见习|見習|特约|特約)?[记記]者"
         r"|通[讯訊]员|通[讯訊]員|实习生|實習生|摄影|攝影)")
_REPORTER_LINE = re.compile(
    rf"""^[(（]?(?:{_ROLE}|文[/／]图|文[/／]圖|文|图|圖)[:：]?[ \t\u3000]*{_NAME}
        (?:[ \t\u3000、]+{_ROLE}?[:：]?[ \t\u3000]*{_NAME})*[)）]?$""",
    re.VERBOSE,
)
# A subtitle reports who took part ("…工作 宋征参加", "朱健会见梅帅元一行") or opens with a dash.
_SUBTITLE_SHAPE = re.compile(r"^[—－-]{1,2}|(?:参加|出席|主持|陪同|会见|会见.{0,8}一行|一行|讲话|致辞|调研|座谈|参会)$")
_DATE_IN_TEXT = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")


@dataclass
class Block:
    """A piece of the page as its format delivers it: one line of a text page, one DOCX paragraph ..."""

    text: str  # as read, without markup such as "## "
    line: int  # 1-based line (or paragraph number) where it starts
    heading: bool = False  # the format marks it as a headline
    end_line: int | None = None  # last line, when the block spans several

    @property
    def last_line(self) -> int:
        return self.end_line if self.end_line is not None else self.line


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends with sentence-final punctuation (after any closing quotes/brackets)."""
    t = text.rstrip().rstrip(_CLOSERS).rstrip()
    if not t:
        return False
    if t[-1] in _FINAL:
        return True
    return t[-1] == "." and len(t) > 1 and not t[-2].isdigit()


def match_byline(text: str) -> re.Match | None:
    """The byline or dateline at the start of ``text`` (a reporter-only line must be the whole block)."""
    stripped = text.strip()
    m = _BYLINE.match(stripped)
    if m:
        return m
    if len(stripped) <= 40:
        return _REPORTER_LINE.match(stripped)
    return None


def _length(text: str) -> int:
    return len(_SPACES.sub("", text))


def _head_candidate(text: str) -> bool:
    t = text.strip()
    return (0 < _length(t) <= HEAD_MAX_CHARS and not ends_sentence(t) and t[-1] not in _NO_HEAD_ENDING
            and not _INNER_FINAL.search(t) and match_byline(t) is None
            and not _DATE_IN_TEXT.search(t))  # a masthead line ("衡阳晚报 2023年8月19日 星期六")


@dataclass
class _Head:
    headline: int | None  # None: text with no headline (the article's headline is empty)
    kicker: int | None = None
    subtitle: int | None = None
    byline: int | None = None
    body_start: int = 0
    first: int = 0  # first block index of the article


class _Builder:
    def __init__(self, blocks: list[Block], edition: Edition, script: str):
        self.blocks = [b for b in blocks if b.text.strip()]
        self.edition = edition
        self.script_option = script
        self.article_ids: dict[str, int] = {}
        self.profile: str | None = None

    # ---------- text of one block ----------
    def normalise(self, block: Block) -> str:
        zh, changed = fullwidth_punctuation(block.text.strip())
        if changed:
            self.edition.warn("halfwidth-punct", f"{changed} half-width punctuation mark(s) made full-width",
                              block.line)
        return zh

    def published(self, text: str) -> tuple[str, str | None]:
        """``(zh, key)`` for normalised text in the source's script.

        ``zh`` is published: the source's script unless another was asked for. ``key`` is the
        simplified form used for translation when it differs from ``zh``, else None.
        """
        source_script, wanted = self.edition.script, self.script_option
        if source_script == "traditional":
            simplified = converter(self.profile).convert(text)
            if wanted == "simplified":
                return simplified, None
            return text, (simplified if simplified != text else None)
        if wanted == "traditional":
            traditional = converter("s2t").convert(text)
            return traditional, (text if traditional != text else None)
        return text, None

    def segment(self, seg_id: str, block: Block, normalised: str | None = None) -> Segment:
        zh, key = self.published(self.normalise(block) if normalised is None else normalised)
        source = block.text.strip()
        return Segment(id=seg_id, zh=zh, source=source if source != zh else None, key=key, line=block.line)

    # ---------- structure ----------
    def find_heads(self) -> list[_Head]:
        blocks = self.blocks
        if any(b.heading for b in blocks):
            heads = []
            for i, b in enumerate(blocks):
                if b.heading:
                    # A line the previous head took (its subtitle or byline) cannot be this one's kicker.
                    heads.append(self._marked_head(i, floor=heads[-1].body_start if heads else 0))
        else:
            heads = self._unmarked_heads()
        if not heads or heads[0].first > 0:
            # Text before the first head: an article of its own, headed by its first block.
            end = heads[0].first if heads else len(blocks)
            if end > 0 and _could_be_headline(blocks[0].text):
                self.edition.warn("uncertain-headline",
                                  f"no headline found before line {blocks[end - 1].last_line}; "
                                  "the first line is taken as the headline", blocks[0].line)
                head = _Head(headline=0, first=0, body_start=1)
                head = self._byline_after(head, 1)
                heads.insert(0, head)
            elif end > 0:
                # A long first block (a page that lost its line breaks or its headline) is body text:
                # the article has an empty headline rather than a 100,000-character one.
                self.edition.warn("no-headline", f"no headline found before line {blocks[end - 1].last_line}; "
                                  "the text is kept as an article without a headline", blocks[0].line)
                heads.insert(0, _Head(headline=None, first=0, body_start=0))
        return heads

    def _byline_after(self, head: _Head, i: int) -> _Head:
        if i < len(self.blocks) and not self.blocks[i].heading and match_byline(self.blocks[i].text):
            head.byline = i
            head.body_start = i + 1
        else:
            head.body_start = i
        return head

    def _marked_head(self, h: int, floor: int = 0) -> _Head:
        blocks = self.blocks
        head = _Head(headline=h, first=h)
        k = h - 1
        if k >= floor and not blocks[k].heading and _head_candidate(blocks[k].text):
            if k > 0 and not blocks[k - 1].heading and not ends_sentence(blocks[k - 1].text) \
                    and match_byline(blocks[k - 1].text) is None:
                self.edition.warn("uncertain-headline",
                                  f"line {blocks[k].line} taken as the kicker of the headline on line "
                                  f"{blocks[h].line}, though the text before it is unfinished", blocks[k].line)
            head.kicker = k
            head.first = k
        s = h + 1
        if s < len(blocks) and not blocks[s].heading and match_byline(blocks[s].text) is None:
            text = blocks[s].text.strip()
            followed_by_byline = (s + 1 < len(blocks) and not blocks[s + 1].heading
                                  and match_byline(blocks[s + 1].text) is not None)
            plain = not ends_sentence(text) and text[-1] not in _NO_HEAD_ENDING and _length(text) <= SUBTITLE_MAX_CHARS
            if plain and followed_by_byline:
                head.subtitle = s
            elif plain and _length(text) <= HEAD_MAX_CHARS and not (s + 1 < len(blocks) and blocks[s + 1].heading):
                head.subtitle = s
                self.edition.warn("uncertain-headline",
                                  f"line {blocks[s].line} taken as a subtitle (no byline follows it)", blocks[s].line)
        return self._byline_after(head, (head.subtitle if head.subtitle is not None else h) + 1)

    def _unmarked_heads(self) -> list[_Head]:
        blocks = self.blocks
        heads: list[_Head] = []
        i = 0
        previous_finished = True  # page start counts as the end of a sentence
        page_has_bylines = any(match_byline(b.text) for b in blocks)

        def candidate(text: str) -> bool:
            # Without bylines to confirm a head, a line with a comma is taken for body text.
            return _head_candidate(text) and (page_has_bylines or not re.search(r"[，,]", text))

        while i < len(blocks):
            text = blocks[i].text
            if previous_finished and candidate(text):
                j = i
                while j < len(blocks) and j - i < 3 and candidate(blocks[j].text):
                    j += 1
                run = list(range(i, j))
                if j < len(blocks) and candidate(blocks[j].text):
                    # More than three short lines in a row: the last three can be a head.
                    i += 1
                    continue
                if j >= len(blocks):
                    break  # short lines at the end of the page are body, not a head without an article
                followed_by_byline = match_byline(blocks[j].text) is not None
                if not followed_by_byline:
                    # Without a byline only the last short line can be the headline; the ones before it
                    # (a last line without a full stop, say) stay with the text above. On a page whose
                    # articles carry bylines, a short line before body text is a column fragment.
                    if page_has_bylines:
                        previous_finished = False
                        i = j
                        continue
                    run = run[-1:]
                head = self._head_from_run(run, followed_by_byline)
                heads.append(self._byline_after(head, j))
                i = head.body_start
                previous_finished = True
                continue
            previous_finished = ends_sentence(text) or match_byline(text) is not None
            i += 1
        return heads

    def _head_from_run(self, run: list[int], followed_by_byline: bool) -> _Head:
        blocks = self.blocks
        if len(run) == 3:
            head = _Head(kicker=run[0], headline=run[1], subtitle=run[2], first=run[0])
        elif len(run) == 2:
            first, second = blocks[run[0]], blocks[run[1]]
            if _SUBTITLE_SHAPE.search(second.text.strip()):
                head = _Head(headline=run[0], subtitle=run[1], first=run[0])
                chosen, other = "headline and subtitle", "kicker and headline"
            else:
                head = _Head(kicker=run[0], headline=run[1], first=run[0])
                chosen, other = "kicker and headline", "headline and subtitle"
            self.edition.warn("uncertain-headline", f"lines {first.line} and {second.line} taken as {chosen}; "
                              f"they may be {other}", first.line)
        else:
            head = _Head(headline=run[0], first=run[0])
        if not followed_by_byline:
            self.edition.warn("uncertain-headline",
                              f"line {blocks[head.headline].line} taken as a headline: a short line without "
                              "sentence-final punctuation before body text (no byline)", blocks[head.headline].line)
        return head

    # ---------- articles ----------
    def build(self) -> None:
        heads = self.find_heads()
        for n, head in enumerate(heads):
            end = heads[n + 1].first if n + 1 < len(heads) else len(self.blocks)
            self.edition.articles.append(self.article(head, end))

    def article(self, head: _Head, end: int) -> Article:
        blocks = self.blocks
        if head.headline is not None:
            headline_normalised = self.normalise(blocks[head.headline])
            headline_zh, _ = self.published(headline_normalised)
        else:  # no headline: the id comes from the opening text instead
            headline_normalised, headline_zh = None, ""
        base = stable_id("a", headline_zh or blocks[head.first].text.strip()[:100])
        seen = self.article_ids.get(base, 0)
        self.article_ids[base] = seen + 1
        article_id = base if seen == 0 else stable_id("a", headline_zh, str(seen))
        if head.headline is not None:
            headline = self.segment(f"{article_id}-headline", blocks[head.headline], headline_normalised)
        else:
            headline = Segment(id=f"{article_id}-headline", zh="", line=blocks[head.first].line)
        article = Article(id=article_id, headline=headline, line=blocks[head.first].line)
        if head.kicker is not None:
            article.kicker = self.segment(f"{article_id}-kicker", blocks[head.kicker])
        if head.subtitle is not None:
            article.subtitle = self.segment(f"{article_id}-subtitle", blocks[head.subtitle])
        body = list(blocks[head.body_start:end])
        if head.byline is not None:
            byline_block = blocks[head.byline]
            m = match_byline(byline_block.text.strip())
            rest = byline_block.text.strip()[m.end():]
            if rest.strip():
                # A dateline running into the first paragraph: split it there.
                byline_text = byline_block.text.strip()[: m.end()]
                body.insert(0, Block(rest.strip(), byline_block.line))
                byline_block = Block(byline_text, byline_block.line)
            article.byline = self.segment(f"{article_id}-byline", byline_block)
            if self.edition.paper is None and m.groupdict().get("paper"):
                paper = m.group("paper")
                if paper.endswith(("报", "報")) and paper not in ("本报", "本報"):
                    self.edition.paper = paper
        article.paragraphs = self.paragraphs(article_id, body)
        return article

    def paragraphs(self, article_id: str, body: list[Block]) -> list[Paragraph]:
        groups: list[list[Block]] = []
        for block in body:
            last = groups[-1][-1].text.rstrip() if groups else ""
            if groups and not ends_sentence(last) and not last.endswith(("：", ":")):
                groups[-1].append(block)
            else:
                groups.append([block])
        paragraphs = []
        seen: dict[str, int] = {}
        for group in groups:
            normalised, source = self.join(group)
            zh, key = self.published(normalised)
            n = seen.get(zh, 0)
            seen[zh] = n + 1
            pid = f"{article_id}-p" + stable_id("", zh, str(n))
            seg = Segment(id=pid + "-0", zh=zh, source=source if source != zh else None, key=key,
                          line=group[0].line)
            paragraphs.append(Paragraph(id=pid, segments=[seg], line=group[0].line))
        return paragraphs

    def join(self, group: list[Block]) -> tuple[str, str]:
        """The published text and the exact source of blocks joined across column breaks."""
        zh = self.normalise(group[0])
        source = group[0].text.strip()
        for prev, block in zip(group, group[1:]):
            text = self.normalise(block)
            raw = block.text.strip()
            self.edition.warn("column-join", f"joined line {prev.last_line} to line {block.line} across a "
                              f"column break: …{zh[-8:]} + {text[:8]}…", block.line)
            if zh and text and zh[-1] == text[0] and is_han(text[0]):
                if _genuine_double(zh, text):
                    self.edition.warn("doubled-char", f"'{text[0]}' doubled across the break kept: "
                                      f"{zh[-4:]}|{text[:4]} reads as words", block.line)
                else:
                    self.edition.warn("doubled-char", f"'{text[0]}' doubled across the break dropped once: "
                                      f"{zh[-4:]}|{text[:4]}", block.line)
                    text = text[1:]
            zh += text
            source += "\n" * max(1, block.line - prev.last_line) + raw
        return zh, source


def _could_be_headline(text: str) -> bool:
    """Short enough for a headline and without a sentence end inside it."""
    t = text.strip()
    return _length(t) <= SUBTITLE_MAX_CHARS and not _INNER_FINAL.search(t[:-1])


def _genuine_double(before: str, after: str) -> bool:
    """Whether ``X|X`` across a break is real text: ``XX`` is a word, or a word of 2+ characters starts at ``after``."""
    words = word_frequencies()  # jieba's dictionary loads only when a double occurs
    ch = after[0]
    if words.get(ch + ch):
        return True
    return any(words.get(after[:k]) for k in range(2, min(6, len(after)) + 1))


def date_from_name(name: str) -> str | None:
    """An ISO date found in a file name (``...-2023-08-19.txt``, ``20230819``), if it is a real date."""
    for m in _DATE_IN_NAME.finditer(name):
        try:
            return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            continue
    return None


def _date_from_masthead(blocks: list[Block]) -> str | None:
    """A date printed in the masthead: a short line (<= 40 characters) among the first three."""
    for block in blocks[:3]:
        if _length(block.text) <= 40:
            m = _DATE_IN_TEXT.search(block.text)
            if m:
                try:
                    return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
                except ValueError:
                    continue
    return None


_PAPER_IN_MASTHEAD = re.compile(r"^([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,10}(?:报|報))(?=[\s\d（(]|$)")


def _paper_from_masthead(blocks: list[Block]) -> str | None:
    """A paper named at the start of a short masthead line with a date (``衡阳晚报 2023年8月19日``)."""
    for block in blocks[:3]:
        text = block.text.strip()
        if _length(text) <= 40 and _DATE_IN_TEXT.search(text):
            m = _PAPER_IN_MASTHEAD.match(text)
            if m:
                return m.group(1)
    return None


def build_edition(blocks: list[Block], source: str, encoding: str, script: str = "keep") -> Edition:
    """An Edition from a page's blocks: articles with head parts and paragraphs (one Segment each).

    ``script``: ``keep`` publishes the source's script; ``simplified``/``traditional`` convert to it.
    Sentences are not split here: that is ``stages.segment``.
    """
    if script not in ("keep", "simplified", "traditional"):
        raise UsageError(f"script must be keep, simplified or traditional, not {script!r}", source)
    edition = Edition(source=source, encoding=encoding)
    text = "\n".join(b.text for b in blocks)
    edition.script = detect_script(text)
    builder = _Builder(blocks, edition, script)
    if edition.script == "traditional":
        builder.profile = opencc_profile(text)
    edition.date = date_from_name(PurePath(source).name) or _date_from_masthead(blocks)
    builder.build()
    if edition.paper is None:
        edition.paper = _paper_from_masthead(blocks)
    return edition
