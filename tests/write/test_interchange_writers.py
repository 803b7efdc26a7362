"""TMX 1.4b and XLIFF 1.2 writers, read back with translate-toolkit as a translator's tool would.

Golden files pin the exact output; regenerate them on purpose with
``BILINGUAL_REGENERATE_GOLDEN=1 pytest tests/write/test_interchange_writers.py``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from lxml import etree
from translate.storage.tmx import tmxfile
from translate.storage.xliff import xlifffile

from bilingual import __version__
from bilingual.config import WriteOptions
from bilingual.errors import InputError
from bilingual.read.xliff import read_reviewed_xliff as read_xliff
from bilingual.write.tmx import write_tmx
from bilingual.write.xliff import write_xliff

DATA = Path(__file__).parent / "data"
XLIFF_NS = "{urn:oasis:names:tc:xliff:document:1.2}"


@pytest.fixture(autouse=True)
def _pinned_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1692403200")  # 2023-08-19T00:00:00Z


def test_tmx_holds_a_persons_english_unless_machine_drafts_are_asked_for(tmp_path, make_edition):
    edition = make_edition(reviewed=True)
    path = write_tmx(edition, tmp_path / "human.tmx")
    units = tmxfile.parsefile(str(path)).units
    human = [s for s in edition.segments() if s.is_human]
    assert [u.getid() for u in units] == [s.id for s in human] and len(human) == 2
    approved = units[0].xmlelement
    assert approved.get("creationid") == "ana" and approved.get("changedate") == "20230819T100000Z"
    assert {p.get("type"): p.text for p in approved.findall("prop")}["x-status"] == "approved"
    header = {p.get("type"): p.text for p in etree.parse(str(path)).getroot().find("header").findall("prop")}
    assert header["x-machine-units-left-out"] == str(sum(1 for s in edition.segments() if s.en) - 2)


def test_tmx_header_and_one_unit_per_segment(tmp_path, make_edition):
    edition = make_edition()
    path = write_tmx(edition, tmp_path / "page.tmx", WriteOptions(tmx_machine=True))
    store = tmxfile.parsefile(str(path))
    segments = list(edition.segments())
    assert [u.getid() for u in store.units] == [s.id for s in segments]
    assert [(u.source, u.target) for u in store.units] == [(s.zh, s.en) for s in segments]
    header = etree.parse(str(path)).getroot().find("header")
    assert header.attrib == {"creationtool": "bilingual", "creationtoolversion": __version__,
                             "segtype": "sentence", "o-tmf": "bilingual-json", "adminlang": "en",
                             "srclang": "zh-CN", "datatype": "plaintext", "creationdate": "20230819T000000Z"}
    props = {p.get("type"): p.text for p in header.findall("prop")}
    assert props["x-engine"] == "gloss" and props["x-glossary"] == "g1a2b3c4" and props["x-model"]
    origins = {p.text for u in store.units for p in u.xmlelement.findall("prop") if p.get("type") == "x-origin"}
    assert origins == {"engine"}  # machine drafts, marked as such
    assert etree.parse(str(path)).getroot().get("version") == "1.4"


def test_xliff_units_notes_and_states(tmp_path, make_edition):
    edition = make_edition()
    edition.articles[1].paragraphs[1].segments[0].en = None  # one untranslated segment
    path = write_xliff(edition, tmp_path / "page.xlf")
    store = xlifffile.parsefile(str(path))
    units = [u for u in store.units if not u.isheader()]
    segments = list(edition.segments())
    assert [u.xmlelement.get("id") for u in units] == [s.id for s in segments]
    assert [u.source for u in units] == [s.zh for s in segments]
    flagged = next(u for u in units if u.xmlelement.get("id") == segments[3].id)
    assert "term-missed" in flagged.getnotes() and "市委书记 = Party Secretary" in flagged.getnotes()
    states = [u.xmlelement.find(XLIFF_NS + "target") for u in units]
    assert all(t.get("state") == "needs-review-translation" for t in states if t is not None)
    assert sum(t is None for t in states) == 1
    file_el = store.document.getroot().find(XLIFF_NS + "file")
    assert file_el.get("source-language") == "zh-CN" and file_el.get("target-language") == "en"
    tool = file_el.find(f"{XLIFF_NS}header/{XLIFF_NS}tool")
    assert tool.get("tool-name") == "bilingual" and tool.get("tool-version") == __version__
    notes = {n.get("from"): n.text for n in file_el.find(XLIFF_NS + "header").findall(XLIFF_NS + "note")}
    assert notes["x-engine"] == "gloss" and notes["x-glossary"] == "g1a2b3c4"


def test_human_translations_are_not_marked_for_review(tmp_path, make_edition):
    edition = make_edition(engine="align")
    edition.articles[0].paragraphs[0].segments[0].flags.clear()
    path = write_xliff(edition, tmp_path / "a.xlf")
    _, units = read_xliff(path)
    assert {u.state for u in units} == {"translated"}


def test_xliff_states_follow_provenance_and_offer_fuzzy_matches(tmp_path, make_edition):
    edition = make_edition(reviewed=True)
    path = write_xliff(edition, tmp_path / "r.xlf")
    root = etree.parse(str(path)).getroot()
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", root.find("x:file", ns).get("date"))  # xsd:dateTime
    second = edition.articles[1].paragraphs[0].segments

    def unit(seg):
        return root.find(f".//x:trans-unit[@id='{seg.id}']", ns)

    assert unit(second[0]).find("x:target", ns).get("state") == "signed-off"
    assert unit(second[1]).find("x:target", ns).get("state") == "translated"
    machine = unit(second[2]).find("x:target", ns)
    assert (machine.get("state"), machine.get("state-qualifier")) == ("needs-review-translation", "mt-suggestion")
    alt = unit(second[2]).find("x:alt-trans", ns)
    assert alt.get("match-quality") == "86" and alt.find("x:target", ns).text.startswith("Since 2020 loans")
    notes = [n.text for n in unit(second[0]).findall("x:note", ns) if n.get("from") == "origin"]
    assert notes == ["human approved (xliff, 2023-08-19T10:00:00Z, by ana)"]


@pytest.mark.parametrize("writer,name", [(write_tmx, "golden.tmx"), (write_xliff, "golden.xlf")])
def test_golden_files(tmp_path, writer, name, make_edition):
    path = writer(make_edition(reviewed=True), tmp_path / name)
    golden = DATA / name
    if os.environ.get("BILINGUAL_REGENERATE_GOLDEN"):
        golden.write_bytes(path.read_bytes())
    assert path.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")


def test_read_xliff_round_trip_and_bad_input(tmp_path, make_edition):
    edition = make_edition()
    path = write_xliff(edition, tmp_path / "page.xlf")
    original, units = read_xliff(path)
    assert original == "hengyang-evening-news-2023-08-19.txt"
    assert [(u.id, u.source, u.target) for u in units] == [(s.id, s.zh, s.en) for s in edition.segments()]
    for content in (b"", b"not xml at all", b"\x00\x01binary"):
        bad = tmp_path / "bad.xlf"
        bad.write_bytes(content)
        with pytest.raises(InputError) as err:
            read_xliff(bad)
        assert "bad.xlf" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(InputError, match="missing.xlf"):
        read_xliff(tmp_path / "missing.xlf")


def test_characters_xml_cannot_hold_are_dropped_not_fatal(tmp_path, make_edition):
    edition = make_edition()
    edition.articles[0].paragraphs[0].segments[1].en = "bell\x07 and form feed\x0c gone"
    tmx = tmxfile.parsefile(str(write_tmx(edition, tmp_path / "c.tmx", WriteOptions(tmx_machine=True))))
    assert "bell and form feed gone" in [u.target for u in tmx.units]
    _, units = read_xliff(write_xliff(edition, tmp_path / "c.xlf"))
    assert "bell and form feed gone" in [u.target for u in units]
