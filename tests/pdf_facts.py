"""Layout facts read off a rendered PDF with poppler and pikepdf, shared by the writer tests.

``Rendered`` wraps one PDF and computes each fact once (lines with their boxes, the tag tree's
leaves with their language, bookmarks, fonts), so many tests can look at one render.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from xml.etree import ElementTree

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def run(*cmd: str) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def struct_text(path: Path) -> str:
    """The tag tree as ``pdfinfo -struct-text`` prints it, in substance: each structure element's type on a line
    (indented by depth), and each piece of marked content it holds as a quoted line of its text.

    Read with pikepdf: poppler reads a page's content again for every structure element (3-4 s of CPU for an
    eight-page edition), this reads each page once. The texts are poppler's: ``test_our_tag_tree_text_is_
    popplers`` compares them with ``pdfinfo -struct-text`` on a rendered edition.
    """
    import pikepdf

    lines: list[str] = []
    with pikepdf.open(path) as pdf:
        texts = marked_texts(pdf)
        roles = {str(k): str(v) for k, v in pdf.Root.StructTreeRoot.get("/RoleMap", {}).items()}

        def walk(element, page, depth):
            if not isinstance(element, pikepdf.Dictionary):
                return
            page = element.get("/Pg", page)
            kind = str(element.get("/S", ""))
            lines.append("  " * depth + roles.get(kind, kind).lstrip("/"))
            for kid in _kids(element):
                if _is_integer(kid):
                    lines.append("  " * (depth + 1) + f'"{texts.get((page.objgen, int(kid)), "")}"')
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    where = kid.get("/Pg", page)
                    lines.append("  " * (depth + 1) + f'"{texts.get((where.objgen, int(kid.MCID)), "")}"')
                else:
                    walk(kid, page, depth + 1)

        for top in _kids(pdf.Root.StructTreeRoot):
            walk(top, None, 0)
    return "\n".join(lines) + "\n"


def _kids(element) -> list:
    import pikepdf

    kids = element.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []


def _is_integer(value) -> bool:
    import pikepdf

    return isinstance(value, int) or (isinstance(value, pikepdf.Object) and value._type_name == "integer")


def marked_texts(pdf) -> dict[tuple[tuple[int, int], int], str]:
    """(page object, MCID) -> the text drawn inside that marked content, decoded through each font's ToUnicode
    map, as poppler's marked-content reader collects it (glyph by glyph, no spaces of its own)."""
    import pikepdf

    texts: dict[tuple[tuple[int, int], int], str] = {}
    for page in pdf.pages:
        fonts = {}
        for name, font in page.obj.get("/Resources", {}).get("/Font", {}).items():
            two_bytes = str(font.get("/Subtype")) == "/Type0"
            fonts[str(name)] = (two_bytes, _to_unicode(font.ToUnicode) if "/ToUnicode" in font else {})
        marks: list[int | None] = []
        font = (False, {})
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "BDC":
                props = operands[1]
                marks.append(int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None)
            elif op == "BMC":
                marks.append(None)
            elif op == "EMC":
                marks.pop()
            elif op == "Tf":
                font = fonts.get(str(operands[0]), (False, {}))
            elif op in ("Tj", "TJ", "'", '"'):
                mcid = next((m for m in reversed(marks) if m is not None), None)
                if mcid is None:
                    continue
                shown = [o for o in operands[0] if isinstance(o, pikepdf.String)] if op == "TJ" else [operands[-1]]
                two_bytes, unicode = font
                text = []
                for string in shown:
                    raw = bytes(string)
                    codes = ([int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)] if two_bytes
                             else list(raw))
                    text.extend(unicode.get(code, "") for code in codes)
                key = (page.obj.objgen, mcid)
                texts[key] = texts.get(key, "") + "".join(text)
    return texts


def _to_unicode(stream) -> dict[int, str]:
    """A ToUnicode CMap's bfchar and bfrange entries: code -> text."""
    data = stream.read_bytes().decode("latin-1")
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])",
                                            block):
            low, high = int(low, 16), int(high, 16)
            if target.startswith("["):
                for i, text in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", target)):
                    out[low + i] = bytes.fromhex(text).decode("utf-16-be")
            else:
                first = bytes.fromhex(target[1:-1])
                for i in range(high - low + 1):
                    value = int.from_bytes(first, "big") + i
                    out[low + i] = value.to_bytes(len(first), "big").decode("utf-16-be")
    return out


def squash(text: str) -> str:
    return "".join(text.split()).replace("\u00a0", "")


@dataclass
class Line:
    page: int  # 1-based
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    words: list[tuple[str, float, float, float, float]] = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Leaf:
    """A structure element holding text: its text (pdfinfo -struct-text), its language (its own or an
    ancestor's /Lang; the document's otherwise) and the structure types above it."""

    text: str
    lang: str
    ancestors: tuple[str, ...]


@dataclass
class Rendered:
    path: Path
    edition: object = None

    @cached_property
    def info(self) -> str:
        return run("pdfinfo", str(self.path))

    @cached_property
    def pages(self) -> int:
        return int(re.search(r"Pages:\s+(\d+)", self.info).group(1))

    @cached_property
    def size(self) -> tuple[float, float]:
        m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", self.info)
        return float(m.group(1)), float(m.group(2))

    @cached_property
    def page_texts(self) -> list[str]:
        return run("pdftotext", "-layout", str(self.path), "-").split("\f")[:-1]

    @cached_property
    def reading_texts(self) -> list[str]:
        """Each page's text in reading order (columns one after the other)."""
        return run("pdftotext", str(self.path), "-").split("\f")[:-1]

    @cached_property
    def lines(self) -> list[Line]:
        """Every text line with its box (pdftotext -bbox-layout), page by page."""
        xml = run("pdftotext", "-bbox-layout", str(self.path), "-")
        xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml).replace('xmlns="http://www.w3.org/1999/xhtml"', "")
        root = ElementTree.fromstring(xml)
        out = []
        for number, page in enumerate(root.iter("page"), 1):
            for line in page.iter("line"):
                words = [(w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
                         for w in line.iter("word")]
                out.append(Line(number, " ".join(w[0] for w in words),
                                *(float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")), words))
        return out

    @cached_property
    def fonts(self) -> list[str]:
        return [line.split()[0] for line in run("pdffonts", str(self.path)).splitlines()[2:]]

    @cached_property
    def struct_text(self) -> str:
        return struct_text(self.path)

    @cached_property
    def leaves(self) -> list[Leaf]:
        """The tag tree's text-bearing leaves in reading order, each with its language.

        Both walk the tree depth first, so the n-th leaf holding marked content is the n-th quoted text of
        ``struct_text``.
        """
        import pikepdf

        texts = re.findall(r'^\s*"(.*)"$', self.struct_text, re.M)
        found: list[tuple[str, tuple[str, ...]]] = []
        with pikepdf.open(self.path) as pdf:
            doc_lang = str(pdf.Root.get("/Lang", ""))

            def walk(element, lang, ancestors):
                if not isinstance(element, pikepdf.Dictionary):
                    return
                lang = str(element.get("/Lang", lang))
                kind = str(element.get("/S", ""))
                kids = _kids(element)
                if any(_is_integer(k) for k in kids):
                    found.append((lang, ancestors + (kind,)))
                for kid in kids:
                    walk(kid, lang, ancestors + (kind,))

            for top in pdf.Root.StructTreeRoot.K:
                walk(top, doc_lang, ())
        assert len(found) == len(texts), (len(found), len(texts))
        return [Leaf(text, lang, ancestors) for text, (lang, ancestors) in zip(texts, found)]

    @cached_property
    def outline(self) -> list[tuple[str, int, int]]:
        """Top-level bookmarks: (title, 1-based page, number of children)."""
        import pikepdf

        with pikepdf.open(self.path) as pdf:
            pages = {p.obj.objgen: i for i, p in enumerate(pdf.pages, 1)}
            with pdf.open_outline() as outline:
                return [(item.title, pages[item.destination[0].objgen], len(item.children))
                        for item in outline.root]

    @cached_property
    def content(self) -> list[bytes]:
        """Each page's content streams, decoded and joined."""
        import pikepdf

        with pikepdf.open(self.path) as pdf:
            out = []
            for page in pdf.pages:
                contents = page.obj.Contents
                streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
                out.append(b"\n".join(s.read_bytes() for s in streams))
            return out

    @cached_property
    def subsets(self) -> dict[str, set[str]]:
        """Embedded font name -> the set of distinct font programs (sha256) under that name."""
        import hashlib

        import pikepdf

        names: dict[str, set[str]] = {}
        with pikepdf.open(self.path) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                    program = next((obj[k] for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in obj), None)
                    if program is not None:
                        names.setdefault(str(obj.FontName)[1:], set()).add(
                            hashlib.sha256(program.read_bytes()).hexdigest())
        return names


def word_characters(text: str) -> int:
    """Letters, digits and Han characters in ``text`` (punctuation and spaces do not count)."""
    return len(re.sub(r"[\W_]", "", text))
