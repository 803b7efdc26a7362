"""Glossary loading, matching (longest first, file priority, OpenCC normalisation) and place slots."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilingual.cli.environment import Environment
from bilingual.errors import GlossaryError
from bilingual.terms.glossary import Glossary, Term, fill_place, load_glossary, render_term

HEADER = "zh\ten\ttype\tstatus\tvariants\tnote\n"


def write(path: Path, rows: str) -> Path:
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_shipped_glossary_loads_and_has_the_seed_terms():
    g = load_glossary()
    assert g.lookup("刘越高").en == "Liu Yuegao"
    assert g.lookup("市委书记").en == "Secretary of the CPC {place} Municipal Committee"
    assert g.lookup("鄯善县").en == "Shanshan County"
    assert len(g.version) == 12
    sources = {t.file for t in g.terms}
    assert {"glossary/national.tsv", "glossary/hengyang.tsv"} <= sources
    assert all(s == "glossary/hengyang.tsv" or s.startswith("glossary/national") for s in sources)
    assert sum(1 for t in g.terms if t.priority == 0) >= 2000  # the national glossary


def test_longest_match_wins():
    g = Glossary([Term("书记", "Secretary", "title"), Term("市委书记", "Municipal Secretary", "title"),
                  Term("市委副书记", "Deputy Municipal Secretary", "title")])
    text = "市委副书记、市委书记和书记"
    got = [(text[m.start:m.end], m.term.en) for m in g.match(text)]
    assert got == [("市委副书记", "Deputy Municipal Secretary"), ("市委书记", "Municipal Secretary"),
                   ("书记", "Secretary")]


def test_overlap_resolved_by_length_then_priority():
    national = Term("开发银行", "development bank", "term", priority=0)
    local = Term("国家开发", "national development", "term", priority=1)
    g = Glossary([national, local])
    assert [m.term.en for m in g.match("国家开发银行")] == ["national development"]  # equal length: local wins
    g2 = Glossary([Term("国家开发", "national development", "term", priority=0),
                   Term("开发银行", "development bank", "term", priority=1)])
    assert [m.term.en for m in g2.match("国家开发银行")] == ["development bank"]


def test_a_place_gives_its_suffix_to_the_term_that_follows():
    # 衡阳市领导 is 衡阳 + 市领导, 株洲市委 is 株洲 + 市委, 长沙市场 is 长沙 + 市场 (a word of jieba's).
    g = Glossary([Term("市领导", "municipal leaders", "term"), Term("衡阳市", "Hengyang", "place", priority=1),
                  Term("市委", "the CPC {place} Municipal Committee", "org"), Term("株洲市", "Zhuzhou City", "place"),
                  Term("长沙市", "Changsha", "place"), Term("长沙县", "Changsha County", "place"),
                  Term("市长", "Mayor of {place}", "title")])

    def got(text):
        return [(text[m.start:m.end], m.term.en) for m in g.match(text)]

    assert got("衡阳市领导") == [("衡阳", "Hengyang"), ("市领导", "municipal leaders")]
    assert got("株洲市委") == [("株洲", "Zhuzhou"), ("市委", "the CPC {place} Municipal Committee")]
    assert got("长沙市场") == [("长沙", "Changsha")]
    assert got("株洲市长石向阳") == [("株洲", "Zhuzhou"), ("市长", "Mayor of {place}")]
    # ... but not where the term that would take the suffix loses to a longer one, nor before other words.
    assert got("长沙市长沙县") == [("长沙市", "Changsha"), ("长沙县", "Changsha County")]
    assert got("株洲市的发展") == [("株洲市", "Zhuzhou City")]


def test_local_file_overrides_national_for_the_same_key(tmp_path):
    folder = tmp_path / "g"
    folder.mkdir()
    write(folder / "national.tsv", "市长\tMayor\ttitle\t\t\t\n")
    write(folder / "local.tsv", "市长\tMayor of {place}\ttitle\t\t\t\n")
    g = load_glossary([folder])
    assert g.lookup("市长").en == "Mayor of {place}"
    assert g.match("市长")[0].term.file.endswith("local.tsv")


def test_matching_is_over_opencc_normalised_text_with_original_offsets():
    g = Glossary([Term("国家开发银行", "China Development Bank", "org")])
    text = "前往國家開發銀行會談"
    (m,) = g.match(text)
    assert (m.start, m.end) == (2, 8)
    assert m.term.en == "China Development Bank"


def test_forbidden_rows_are_not_match_targets():
    g = Glossary([Term("李光耀", "Li Guangyao", "person"), Term("李光耀", "Lee Kuan Yew", "person", "forbidden")])
    assert [m.term.en for m in g.match("李光耀汇报")] == ["Li Guangyao"]
    assert [t.en for t in g.forbidden] == ["Lee Kuan Yew"]


def test_place_slot_filled_and_dropped_sensibly():
    secretary = Term("市委书记", "Secretary of the CPC {place} Municipal Committee", "title")
    assert render_term(secretary, "Hengyang") == "Secretary of the CPC Hengyang Municipal Committee"
    assert render_term(secretary, None) == "Secretary of the CPC Municipal Committee"
    assert fill_place("Mayor of {place}", None) == "Mayor"
    assert fill_place("executive meeting of the {place} Municipal Government", None) == \
        "executive meeting of the Municipal Government"
    assert fill_place("the {place} Municipal Government", None) == "the Municipal Government"


@pytest.mark.parametrize("row, message", [
    ("市长\t\ttitle\t\t\t\n", "empty en"),
    ("\tMayor\ttitle\t\t\t\n", "empty zh"),
    ("市长\tMayor\tjob\t\t\t\n", "unknown type"),
    ("市长\tMayor\ttitle\tmaybe\t\t\n", "unknown status"),
    ("市长\tMayor\ttitle\t\t\t\textra\n", "columns"),
])
def test_malformed_rows_raise_naming_file_and_line(tmp_path, row, message):
    path = write(tmp_path / "bad.tsv", "# a comment\n书记\tSecretary\ttitle\t\t\t\n" + row)
    with pytest.raises(GlossaryError) as e:
        load_glossary([path])
    assert "bad.tsv:4: " in str(e.value)
    assert message in str(e.value)


def test_missing_header_and_missing_file(tmp_path):
    path = tmp_path / "nohead.tsv"
    path.write_text("市长\tMayor\ttitle\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="nohead.tsv:1: header"):
        load_glossary([path])
    with pytest.raises(GlossaryError, match="no such glossary"):
        load_glossary([tmp_path / "absent.tsv"])


def test_version_changes_when_a_file_changes(tmp_path):
    path = write(tmp_path / "a.tsv", "市长\tMayor\ttitle\t\t\t\n")
    v1 = load_glossary([path]).version
    assert load_glossary([path]).version == v1
    write(path, "市长\tMayor of {place}\ttitle\t\t\t\n")
    assert load_glossary([path]).version != v1


def test_the_same_bytes_give_the_loaded_glossary_and_an_edit_is_seen_at_once(tmp_path):
    """A glossary is reused only for the same bytes: an edit of the same length within one clock tick (same size,
    same mtime) is read, and the same rows under another name or priority are that file's own terms."""
    import os

    path = write(tmp_path / "a.tsv", "市长\tMayor\ttitle\t\t\t\n")
    first = load_glossary([path])
    assert load_glossary([path]) is first  # not parsed and indexed again
    stat = path.stat()
    write(path, "市长\tMAYOR\ttitle\t\t\t\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    edited = load_glossary([path])
    assert edited is not first and edited.lookup("市长").en == "MAYOR" and edited.version != first.version
    other = write(tmp_path / "b.tsv", "市长\tMAYOR\ttitle\t\t\t\n")
    assert load_glossary([other]).lookup("市长").source.endswith("b.tsv:2")
    national = write(tmp_path / "national.tsv", "市长\tMAYOR\ttitle\t\t\t\n")  # the national file: priority 0
    assert load_glossary([national]).lookup("市长").priority == 0 and edited.lookup("市长").priority == 1
    assert first.lookup("市长").en == "Mayor"  # a glossary handed out is never changed

def test_env_var_overrides_the_shipped_folder(tmp_path):
    write(tmp_path / "only.tsv", "湘江\tXiangjiang River\tplace\t\t\t\n")
    env = Environment(environ={"BILINGUAL_GLOSSARY_DIR": str(tmp_path)})
    g = load_glossary(env.glossary_paths(None))
    assert [t.zh for t in g.terms] == ["湘江"]
    assert env.glossary_paths([Path("given")]) == [Path("given")]  # --glossary wins over the variable


def test_variants_are_split_on_bars(tmp_path):
    path = write(tmp_path / "v.tsv", "援疆\taid to Xinjiang\tslogan\t\tXinjiang aid | assistance to Xinjiang\tnote\n")
    (term,) = load_glossary([path]).terms
    assert term.variants == ("Xinjiang aid", "assistance to Xinjiang")
    assert term.source.endswith("v.tsv:2")


def test_short_terms_are_not_matched_across_word_boundaries():
    g = Glossary([Term("市长", "Mayor of {place}", "title"), Term("行长", "President", "title"),
                  Term("书记", "Secretary", "title")])
    assert g.match("推动城市长远发展") == []  # 城市 + 长远
    assert g.match("银行长期支持") == []  # 银行 + 长期
    assert [m.term.en for m in g.match("衡阳市市长朱健")] == ["Mayor of {place}"]
    assert [m.term.en for m in g.match("县委书记张三")] == ["Secretary"]  # inside one longer word is fine
    assert [m.term.en for m in g.match("副行长张伟")] == ["President"]


def test_a_name_before_etc_is_matched_though_jieba_joins_its_end_with_it():
    # jieba reads 南|平等 in 南平等地, but 等 after a name is "and others" (found by the rules property test).
    g = Glossary([Term("南平", "Nanping", "place"), Term("福州", "Fuzhou", "place"), Term("市长", "Mayor", "title")])
    assert [m.term.en for m in g.match("福州、南平等地")] == ["Fuzhou", "Nanping"]
    assert [m.term.en for m in g.match("对南平等。")] == ["Nanping"]
    assert g.match("城市长等人") == []  # the term's start must still fall on a word boundary (城市)


def test_missing_glossary_folder_is_named(tmp_path):
    env = Environment(environ={"BILINGUAL_GLOSSARY_DIR": str(tmp_path / "nowhere")})
    with pytest.raises(GlossaryError, match="nowhere: no such glossary file or folder"):
        load_glossary(env.glossary_paths(None))


def test_the_state_council_is_not_matched_inside_the_us_department_of_state():
    g = load_glossary()
    text = "美国国务院发言人表示，国务院常务会议研究部署。"
    got = [(text[m.start:m.end], m.term.en) for m in g.match(text)]
    assert ("美国国务院", "the US Department of State") in got
    assert all(zh != "国务院" for zh, _ in got)
