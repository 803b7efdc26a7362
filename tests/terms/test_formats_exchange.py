"""Glossary exchange with other tools: TBX-Basic as the standard has it and as other tools write it, CSV/TSV
with and without header rows, re-importing our own export, DeepL's CSV and {place}, suggest -> import, and no
line separator ever making a second row."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from helpers import ROOT, SEED, run_in_process
from lxml import etree

from bilingual.errors import GlossaryError
from bilingual.terms.edit import add_terms, format_row, replace_row
from bilingual.terms.formats import export_csv, export_tbx, import_terms
from bilingual.terms.glossary import Term, load_glossary, read_glossary_file

HEADER = "zh\ten\ttype\tstatus\tvariants\tnote\n"
GLOSSARY_ENV = {"BILINGUAL_GLOSSARY_DIR": ""}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def essentials(terms):
    return [(t.zh, t.en, t.type, t.status, t.variants, t.note) for t in terms]


# -- TBX ------------------------------------------------------------------------------------------------


def test_tbx_export_is_tbx_basic():
    terms = [Term("市委书记", "Secretary of the {place} Municipal Party Committee", "title", "preferred",
                  ("Party chief of {place}",), "Xinhua usage"),
             Term("李光耀", "Lee Kwan Yew", "person", "forbidden")]
    root = etree.fromstring(export_tbx(terms).data)
    assert root.tag == "martif" and root.get("type") == "TBX-Basic"
    assert root.find("martifHeader/encodingDesc/p").get("type") == "XCSURI"
    first, second = root.findall("text/body/termEntry")
    assert first.find("descrip[@type='x-bilingual-type']").text == "title"
    assert first.find("descrip[@type='subjectField']") is None  # our type is not a subject field
    assert first.find("note").text == "Xinhua usage"
    en = first.find("langSet[@{http://www.w3.org/XML/1998/namespace}lang='en']")
    statuses = [(t.findtext("term"), t.findtext("termNote[@type='administrativeStatus']")) for t in en.findall("tig")]
    assert statuses == [("Secretary of the {place} Municipal Party Committee", "preferredTerm-admn-sts"),
                        ("Party chief of {place}", "admittedTerm-admn-sts")]
    assert second.find("langSet/tig/termNote").text == "preferredTerm-admn-sts"  # the Chinese side
    assert second.findall("langSet")[1].find("tig/termNote").text == "deprecatedTerm-admn-sts"


def test_tbx_round_trip_of_the_shipped_glossary(tmp_path):
    terms = load_glossary().terms
    path = tmp_path / "g.tbx"
    path.write_bytes(export_tbx(terms).data)
    assert essentials(import_terms(path)) == essentials(terms)


MEMOQ_LIKE = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en-US">
 <martifHeader><fileDesc><sourceDesc><p>exported</p></sourceDesc></fileDesc></martifHeader>
 <text><body>
  <termEntry id="1">
   <descrip type="subjectField">Politics</descrip>
   <descrip type="definition">head of a city's Party committee</descrip>
   <langSet xml:lang="zh-CN"><tig><term>市委书记</term></tig></langSet>
   <langSet xml:lang="en-US">
    <tig><term>Secretary of the Municipal Party Committee</term>
     <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
    <tig><term>city Party chief</term><termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></tig>
   </langSet>
  </termEntry>
  <termEntry id="2">
   <langSet xml:lang="zh-Hans"><ntig><termGrp><term>援疆</term></termGrp></ntig></langSet>
   <langSet xml:lang="en-GB"><ntig><termGrp><term>aid to Xinjiang</term></termGrp></ntig></langSet>
  </termEntry>
  <termEntry id="3">
   <langSet xml:lang="zh-CN"><tig><term>李光耀</term></tig></langSet>
   <langSet xml:lang="en"><tig><term>Lee Kwan Yew</term>
     <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig></langSet>
  </termEntry>
  <termEntry id="4">
   <langSet xml:lang="de-DE"><tig><term>Parteisekretär</term></tig></langSet>
   <langSet xml:lang="en-US"><tig><term>Party secretary</term></tig></langSet>
  </termEntry>
 </body></text>
</martif>
"""

TBX_V3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
 <tbxHeader><fileDesc><sourceDesc><p>v3</p></sourceDesc></fileDesc></tbxHeader>
 <text><body>
  <conceptEntry id="c1">
   <langSec xml:lang="zh"><termSec><term>乡村振兴</term></termSec></langSec>
   <langSec xml:lang="en"><termSec><term>rural revitalization</term>
    <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec></langSec>
  </conceptEntry>
 </body></text>
</tbx>
"""


def test_tbx_as_other_tools_write_it(tmp_path):
    terms = import_terms(write(tmp_path / "memoq.tbx", MEMOQ_LIKE), default_type="term")
    by_zh = {t.zh: t for t in terms}
    assert set(by_zh) == {"市委书记", "援疆", "李光耀"}  # regions and scripts read; the German entry has no Chinese
    secretary = by_zh["市委书记"]
    assert secretary.en == "Secretary of the Municipal Party Committee" and secretary.variants == ("city Party chief",)
    assert secretary.type == "term" and "Politics" in secretary.note  # a subject field is a note, not an abort
    assert "head of a city's Party committee" in secretary.note
    assert by_zh["援疆"].en == "aid to Xinjiang"
    assert by_zh["李光耀"].status == "forbidden"
    (rural,) = import_terms(write(tmp_path / "v3.tbx", TBX_V3))
    assert (rural.zh, rural.en) == ("乡村振兴", "rural revitalization")


# -- CSV and TSV ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,text", [
    ("google.csv", "市委书记,Party secretary\n援疆,aid to Xinjiang\n"),
    ("deepl.csv", '"市委书记","Party secretary"\n"援疆","aid to Xinjiang"\n'),
    ("header.csv", "source,target\n市委书记,Party secretary\n援疆,aid to Xinjiang\n"),
    ("langs.csv", "zh-CN,en-US\n市委书记,Party secretary\n援疆,aid to Xinjiang\n"),
    ("excel.csv", "\ufeff中文;英文\r\n市委书记;Party secretary\r\n援疆;aid to Xinjiang\r\n"),
    ("plain.tsv", "市委书记\tParty secretary\n援疆\taid to Xinjiang\n"),
    ("header.tsv", "Chinese\tEnglish\n市委书记\tParty secretary\n援疆\taid to Xinjiang\n"),
])
def test_two_column_glossaries_with_or_without_a_header(tmp_path, name, text):
    terms = import_terms(write(tmp_path / name, text), default_type="title")
    assert [(t.zh, t.en, t.type) for t in terms] == [("市委书记", "Party secretary", "title"),
                                                      ("援疆", "aid to Xinjiang", "title")]


def test_reimporting_our_own_export_copies_nothing_into_the_local_file(tmp_path):
    folder = tmp_path / "glossary"
    shutil.copytree(ROOT / "glossary", folder)
    exported = tmp_path / "all.tsv"
    assert run_in_process("glossary", "--glossary", str(folder), "export", str(exported),
                          environ=GLOSSARY_ENV).returncode == 0
    before = {f.name: f.read_text(encoding="utf-8") for f in folder.glob("*.tsv")}
    result = run_in_process("glossary", "--glossary", str(folder), "import", str(exported), environ=GLOSSARY_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported 0 of ") and "already in the glossary" in result.stdout
    assert {f.name: f.read_text(encoding="utf-8") for f in folder.glob("*.tsv")} == before


def test_deepl_csv_renders_place_or_leaves_those_rows_out_and_counts_what_it_wrote(tmp_path):
    terms = [Term("市委书记", "Secretary of the {place} Municipal Party Committee", "title"),
             Term("援疆", "aid to Xinjiang", "slogan"), Term("李光耀", "Lee Kwan Yew", "person", "forbidden")]
    left_out = export_csv(terms)
    rows = list(csv.reader(io.StringIO(left_out.data.decode("utf-8"))))
    assert rows == [["援疆", "aid to Xinjiang"]] and left_out.count == 1 and "{place}" in left_out.notes[0]
    rendered = export_csv(terms, place="Hengyang")
    rows = list(csv.reader(io.StringIO(rendered.data.decode("utf-8"))))
    assert rows[0] == ["市委书记", "Secretary of the Hengyang Municipal Party Committee"] and rendered.count == 2
    folder = tmp_path / "glossary"
    shutil.copytree(ROOT / "glossary", folder)
    out = tmp_path / "deepl.csv"
    result = run_in_process("glossary", "--glossary", str(folder), "export", str(out), environ=GLOSSARY_ENV)
    written = len(list(csv.reader(io.StringIO(out.read_text(encoding="utf-8")))))
    assert f"wrote {written} terms" in result.stderr and "{place} slot left out" in result.stderr
    assert "{place}" not in out.read_text(encoding="utf-8")


def test_suggest_output_is_a_file_import_takes_back(tmp_path):
    """suggest --out writes the glossary's own TSV (also to stdout with -); once a person has reviewed the rows
    (English filled in or the row deleted, the draft note replaced) import takes it back."""
    folder = tmp_path / "glossary"
    shutil.copytree(ROOT / "glossary", folder)
    suggest = run_in_process("glossary", "--glossary", str(folder), "suggest", str(SEED), "--out", "-",
                             environ=GLOSSARY_ENV)
    assert suggest.returncode == 0, suggest.stderr
    lines = suggest.stdout.splitlines()
    assert lines[0] == HEADER.strip()
    reviewed = []
    for line in lines[1:]:
        cells = line.split("\t")
        if cells[0] == "创则必胜":
            cells[1] = "Venture and Win"
        cells[5] = "reviewed"
        if cells[1]:  # a row nobody could put into English is deleted
            reviewed.append("\t".join(cells))
    drafted = write(tmp_path / "suggested.tsv", "\n".join([lines[0], *reviewed]) + "\n")
    result = run_in_process("glossary", "--glossary", str(folder), "import", str(drafted), environ=GLOSSARY_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"imported {len(reviewed)} of {len(reviewed)} terms")
    local = (folder / "hengyang.tsv").read_text(encoding="utf-8")
    assert "创则必胜\tVenture and Win\tslogan" in local


# -- line separators never make a second row -------------------------------------------------------------

BREAKS = ["\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\t"]


@pytest.mark.parametrize("sep", BREAKS)
def test_format_row_is_one_line_whatever_the_fields_hold(sep):
    row = format_row(Term(f"雁{sep}城", f"Goose{sep}City", "place", "preferred", (f"A{sep}B",), f"n{sep}o"))
    assert len(row.splitlines()) == 1 and row.count("\t") == 5


@pytest.mark.parametrize("sep", BREAKS)
def test_add_and_replace_write_one_row(tmp_path, sep):
    path = write(tmp_path / "local.tsv", HEADER + "衡阳\tHengyang\tplace\t\t\t\n")
    assert add_terms(path, [Term("雁城", f"Goose{sep}City", "place", note=f"x{sep}雁峰\tHidden\tplace")]) == 1
    assert [t.zh for t in read_glossary_file(path)] == ["衡阳", "雁城"]
    replace_row(path, 3, "雁城", Term("雁城", f"Wild{sep}Goose", "place", note=f"a{sep}b"))
    terms = read_glossary_file(path)
    assert [(t.zh, t.en) for t in terms] == [("衡阳", "Hengyang"), ("雁城", "Wild Goose")]
    assert len(path.read_text(encoding="utf-8").splitlines()) == 3


def test_swapped_source_and_target_are_refused(tmp_path):
    path = write(tmp_path / "local.tsv", HEADER)
    with pytest.raises(GlossaryError, match="swapped|Chinese first"):
        add_terms(path, [Term("Wild Goose City", "雁城", "place")])
    assert path.read_text(encoding="utf-8") == HEADER
