"""What WeasyPrint leaves undone in a tagged PDF, finished with pikepdf on the joined edition:

* the running header and footer (CSS margin boxes) are marked content tied to structure elements
  that hang nowhere in the tree; they become ``/Artifact`` (``/Type /Pagination``, header or footer),
  as PDF/UA wants of page furniture;
* a structure element whose text is all set in the Chinese font carries ``/Lang (zh-Hans)`` (on the
  outermost such element: a head's Chinese decks, a sentence's Chinese cell), so a screen reader
  switches voice; the document's language stays English;
* every font subset is named by its own bytes: WeasyPrint tags a subset from the font's description,
  so the parts of a long edition each embed a different subset of Noto Serif under one tag, and
  ISO 32000 (9.6.4) wants distinct tags for distinct subsets.

Everything is found from the file itself (content streams, the ParentTree), not from WeasyPrint's
internals, so a WeasyPrint upgrade cannot silently undo it; the tests check each point on the output.
"""

from __future__ import annotations

import hashlib
import re

ZH_LANG = "zh-Hans"
# WeasyPrint writes each marked text run as "/Span\n<</MCID n>>\nBDC\n ... \nEMC".
_MARKED = re.compile(rb"/(\w+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC(.*?)EMC", re.S)
_FONT = re.compile(rb"/([^\s/\[\]<>()]+)\s+[\d.]+\s+Tf")
_TEXT_Y = re.compile(rb"[\d.\-]+\s+[\d.\-]+\s+[\d.\-]+\s+[\d.\-]+\s+[\d.\-]+\s+([\d.\-]+)\s+Tm")


def finish_tags(pdf, cjk_marker: str = "CJK") -> None:
    """Artifacts for the page furniture and Lang on Chinese structure elements (see the module docstring).

    ``cjk_marker``: a font whose name holds it sets Chinese.
    """
    import pikepdf

    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    reachable = _reachable_elements(root)
    nums = root.ParentTree.Nums
    by_key = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    chinese_leaves: list = []
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        mapping = by_key.get(int(key)) if key is not None else None
        if mapping is None or not isinstance(mapping, pikepdf.Array):
            continue
        fonts = _font_names(page)
        height = float(page.mediabox[3]) - float(page.mediabox[1])
        contents = page.obj.Contents
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        for stream in streams:
            data = stream.read_bytes()
            changed = False

            def mark(m, mapping=mapping, fonts=fonts, height=height):
                nonlocal changed
                mcid = int(m.group(2))
                element = mapping[mcid] if mcid < len(mapping) else None
                if element is None or not isinstance(element, pikepdf.Dictionary):
                    return m.group(0)
                if element.objgen not in reachable:  # a margin box: page furniture
                    changed = True
                    mapping[mcid] = None
                    y = _TEXT_Y.search(m.group(3))
                    # WeasyPrint draws with y measured from the top of the page.
                    part = b"Header" if y is None or float(y.group(1)) < height / 2 else b"Footer"
                    return b"/Artifact <</Type /Pagination /Subtype /" + part + b">> BDC" + m.group(3) + b"EMC"
                used = {fonts.get(f.decode("latin-1"), "") for f in _FONT.findall(m.group(3))}
                if used and all(cjk_marker in name for name in used):
                    chinese_leaves.append(element)
                return m.group(0)

            data = _MARKED.sub(mark, data)
            if changed:
                stream.write(data)
    _set_languages(chinese_leaves)


def _reachable_elements(root) -> set:
    """objgens of the structure elements reachable from the tree's root."""
    import pikepdf

    seen = set()
    stack = list(root.K) if isinstance(root.K, pikepdf.Array) else [root.K]
    while stack:
        element = stack.pop()
        if not isinstance(element, pikepdf.Dictionary) or element.objgen in seen:
            continue
        seen.add(element.objgen)
        kids = element.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
        elif isinstance(kids, pikepdf.Dictionary):
            stack.append(kids)
    return seen


def _font_names(page) -> dict[str, str]:
    """Resource name -> BaseFont of the fonts a page uses."""
    resources = page.obj.get("/Resources")
    fonts = resources.get("/Font") if resources is not None else None
    if fonts is None:
        return {}
    return {str(name)[1:]: str(font.get("/BaseFont", "")) for name, font in fonts.items()}


def _set_languages(leaves: list) -> None:
    """Lang zh-Hans on the outermost elements whose marked text is all Chinese."""
    import pikepdf

    chinese = {e.objgen for e in leaves}
    elements = {e.objgen: e for e in leaves}
    # Climb: a parent is Chinese when every structure element under it is (marked-content ids directly
    # under an element are the leaves themselves, already judged).
    frontier = list(leaves)
    while frontier:
        parents = {}
        for element in frontier:
            parent = element.get("/P")
            if isinstance(parent, pikepdf.Dictionary) and parent.get("/S") != "/Document" \
                    and parent.objgen not in chinese:
                parents[parent.objgen] = parent
        frontier = []
        for objgen, parent in parents.items():
            kids = parent.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            elems = [k for k in kids if isinstance(k, pikepdf.Dictionary)]
            if elems and len(elems) == len(kids) and all(k.objgen in chinese for k in elems):
                chinese.add(objgen)
                elements[objgen] = parent
                frontier.append(parent)
    for objgen in chinese:
        parent = elements[objgen].get("/P")
        if not (isinstance(parent, pikepdf.Dictionary) and parent.objgen in chinese):
            elements[objgen].Lang = pikepdf.String(ZH_LANG)


def retag_font_subsets(pdf) -> None:
    """Name every embedded font subset by a tag drawn from its own bytes (see the module docstring)."""
    import pikepdf

    done = set()
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        fonts = resources.get("/Font") if resources is not None else None
        for font in (fonts.values() if fonts is not None else ()):
            if font.objgen in done:
                continue
            done.add(font.objgen)
            descendants = font.get("/DescendantFonts")
            described = descendants[0] if descendants is not None else font
            descriptor = described.get("/FontDescriptor")
            if descriptor is None:
                continue
            program = next((descriptor[k] for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor),
                           None)
            base = str(font.get("/BaseFont", ""))[1:]
            if program is None or not re.match(r"^[A-Z]{6}\+", base):
                continue  # not a subset: its name carries no tag
            tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(program.read_raw_bytes()).digest()[:6])
            name = pikepdf.Name("/" + tag + base[6:])
            font.BaseFont = name
            if descendants is not None:
                described.BaseFont = name
            descriptor.FontName = name
