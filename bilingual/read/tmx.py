"""TMX 1.4b (and 1.1) files from CAT tools (OmegaT, Trados, memoQ …) read as Chinese/English sentence pairs.

Language codes are matched by their primary subtag (``zh``, ``zh-CN``, ``zh-Hans``, ``ZH-CN``; ``en``,
``en-US``, ``en-GB``), on ``xml:lang`` or TMX 1.1's ``lang``. Inline codes (``bpt``, ``ept``, ``ph``,
``it``, ``ut``) hold the original document's markup, not text, and are left out; ``hi`` and ``sub``
hold text and are kept. Who and when (``changeid``/``creationid``, ``changedate``/``creationdate``,
on the ``tuv`` or its ``tu``) travel with each pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import InputError
from ..files import read_input_bytes

MAX_TMX_BYTES = 200_000_000
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_INLINE_CODES = {"bpt", "ept", "ph", "it", "ut"}
_TMX_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$")


@dataclass(frozen=True)
class TmxPair:
    zh: str
    en: str
    who: str = ""
    at: str = ""  # xsd:dateTime (UTC), from the TMX date when it has one


def read_tmx_pairs(path: Path) -> list[TmxPair]:
    """The Chinese/English pairs of a TMX file, in file order; InputError naming the file when it is not TMX."""
    path = Path(path)
    if path.is_file() and path.stat().st_size > MAX_TMX_BYTES:
        raise InputError(f"larger than {MAX_TMX_BYTES // 1_000_000} MB; split the memory", path)
    data = read_input_bytes(path, "TMX file")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise InputError(f"not a TMX file: {e.msg}", path, e.lineno) from None
    if etree.QName(root).localname != "tmx":
        raise InputError(f"not a TMX file (the root element is <{etree.QName(root).localname}>)", path)
    pairs = []
    for tu in root.iter("{*}tu", "tu"):
        texts: dict[str, tuple[str, str, str]] = {}
        for tuv in tu.iter("{*}tuv", "tuv"):
            lang = (tuv.get(XML_LANG) or tuv.get("lang") or "").split("-")[0].split("_")[0].lower()
            seg = next(iter(tuv.iter("{*}seg", "seg")), None)
            if lang in ("zh", "en") and seg is not None and lang not in texts:
                who = tuv.get("changeid") or tuv.get("creationid") or tu.get("changeid") or tu.get("creationid") or ""
                when = tuv.get("changedate") or tuv.get("creationdate") or tu.get("changedate") \
                    or tu.get("creationdate") or ""
                texts[lang] = (_seg_text(seg), who, _xsd_date(when))
        if "zh" in texts and "en" in texts and texts["zh"][0] and texts["en"][0]:
            _, who, at = texts["en"]
            pairs.append(TmxPair(texts["zh"][0], texts["en"][0], who, at))
    return pairs


def _seg_text(seg) -> str:
    """The text of a ``seg``, inline codes left out."""
    parts = [seg.text or ""]
    for child in seg:
        if etree.QName(child).localname not in _INLINE_CODES:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _xsd_date(value: str) -> str:
    m = _TMX_DATE.match(value.strip())
    return f"{m[1]}-{m[2]}-{m[3]}T{m[4]}:{m[5]}:{m[6]}Z" if m else ""
