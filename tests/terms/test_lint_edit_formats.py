"""Lint rules, safe edits, and TSV/CSV/TBX import and export (in process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilingual.errors import GlossaryError
from bilingual.terms.coverage import suggest_terms, term_coverage
from bilingual.terms.edit import add_terms, remove_terms
from bilingual.terms.formats import export_csv, export_tbx, export_tsv, import_terms
from bilingual.terms.glossary import Glossary, Term, load_glossary
from bilingual.terms.lint import errors_in, lint_paths, lint_texts

HEADER = "zh\ten\ttype\tstatus\tvariants\tnote\n"


def lint(text: str, name: str = "g.tsv", *more: tuple[str, str, int]):
    return [str(m) for m in lint_texts([(name, HEADER + text, 1), *more])]


def test_shipped_glossary_has_no_lint_errors():
    assert errors_in(lint_paths()) == []


def test_duplicate_and_conflict():
    out = lint("市长\tMayor\ttitle\t\t\t\n市长\tMayor\ttitle\t\t\t\n市长\tCity boss\ttitle\t\t\t\n")
    assert "g.tsv:3: error: duplicate of line 2: 市长 -> Mayor" in out
    assert any(m.startswith("g.tsv:4: error: conflicting targets for 市长") for m in out)


def test_local_override_of_national_is_a_warning_but_same_priority_conflict_is_an_error():
    national = ("national.tsv", HEADER + "市长\tMayor\ttitle\t\t\t\n", 0)
    out = lint("市长\tMayor of {place}\ttitle\t\t\t\n", "local.tsv", national)
    assert any(": warning: 市长: 'Mayor of {place}' overrides 'Mayor'" in m for m in out), out
    other = ("other.tsv", HEADER + "市长\tMayor\ttitle\t\t\t\n", 1)
    out = lint("市长\tCity head\ttitle\t\t\t\n", "local.tsv", other)
    assert any(": error: conflicting targets for 市长" in m for m in out), out


def test_empty_fields_unknown_type_status_and_slots():
    out = lint("市长\t\ttitle\t\t\t\n书记\tSecretary\tjob\t\t\t\n省长\tGovernor\ttitle\tmaybe\t\t\n"
               "县长\tHead of {county}\ttitle\t\t\t\n区长\tHead of {place\ttitle\t\t\t\n")
    assert any(m.startswith("g.tsv:2: error: empty en") for m in out)
    assert any(m.startswith("g.tsv:3: error: unknown type 'job'") for m in out)
    assert any(m.startswith("g.tsv:4: error: unknown status 'maybe'") for m in out)
    assert any(m.startswith("g.tsv:5: error: unknown slot") for m in out)
    assert any(m.startswith("g.tsv:6: error: unknown slot") for m in out)


def test_forbidden_equal_to_preferred_is_an_error():
    out = lint("李光耀\tLi Guangyao\tperson\t\t\t\n李光耀\tLi Guangyao\tperson\tforbidden\t\t\n")
    assert any("both forbidden and a preferred rendering" in m for m in out)


def test_contained_term_with_inconsistent_rendering_is_a_warning():
    out = lint("书记\tSecretary\ttitle\t\t\t\n党委书记\tParty chief\ttitle\t\t\t\n"
               "市委书记\tSecretary of the CPC {place} Municipal Committee\ttitle\t\t\t\n")
    assert any(m.startswith("g.tsv:3: warning: 党委书记 'Party chief' contains 书记") for m in out), out
    assert not any(m.startswith("g.tsv:4:") for m in out)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_add_keeps_comments_and_refuses_a_conflict(tmp_path):
    path = write(tmp_path / "local.tsv", "# comment\n" + HEADER + "# people\n朱健\tZhu Jian\tperson\t\t\t\n")
    assert add_terms(path, [Term("谢宏", "Xie Hong", "person")]) == 1
    assert path.read_text(encoding="utf-8") == ("# comment\n" + HEADER + "# people\n朱健\tZhu Jian\tperson\t\t\t\n"
                                                "谢宏\tXie Hong\tperson\tpreferred\t\t\n")
    assert add_terms(path, [Term("谢宏", "Xie Hong", "person")]) == 0  # already there
    before = path.read_text(encoding="utf-8")
    with pytest.raises(GlossaryError, match="refused.*conflicting targets for 朱健"):
        add_terms(path, [Term("朱健", "Zhu Jan", "person")])
    assert path.read_text(encoding="utf-8") == before


def test_remove_keeps_comments(tmp_path):
    path = write(tmp_path / "local.tsv", HEADER + "# a\n朱健\tZhu Jian\tperson\t\t\t\n# b\n谢宏\tXie Hong\tperson\t\t\t\n")
    assert remove_terms(path, "朱健") == 1
    assert path.read_text(encoding="utf-8") == HEADER + "# a\n# b\n谢宏\tXie Hong\tperson\t\t\t\n"
    assert remove_terms(path, "朱健") == 0


def _essentials(terms):
    return [(t.zh, t.en, t.type, t.status, t.variants, t.note) for t in terms]


def test_tbx_round_trip_keeps_everything(tmp_path):
    terms = load_glossary().terms
    path = tmp_path / "g.tbx"
    path.write_bytes(export_tbx(terms).data)
    assert _essentials(import_terms(path)) == _essentials(terms)


def test_tsv_round_trip(tmp_path):
    terms = load_glossary().terms
    path = tmp_path / "g.tsv"
    path.write_bytes(export_tsv(terms).data)
    assert _essentials(import_terms(path)) == _essentials(terms)


def test_csv_is_source_target_and_imports_with_a_type(tmp_path):
    terms = [Term("湘江", "Xiangjiang River, Hunan", "place"), Term("李光耀", "Lee Kuan Yew", "person", "forbidden")]
    path = tmp_path / "g.csv"
    path.write_bytes(export_csv(terms).data)
    assert path.read_text(encoding="utf-8").splitlines() == ['"湘江","Xiangjiang River, Hunan"']
    (back,) = import_terms(path, default_type="place")
    assert (back.zh, back.en, back.type) == ("湘江", "Xiangjiang River, Hunan", "place")


def test_bad_import_files(tmp_path):
    with pytest.raises(GlossaryError, match="unknown glossary format"):
        import_terms(write(tmp_path / "g.xlsx", "x"))
    with pytest.raises(GlossaryError, match="not a readable TBX"):
        import_terms(write(tmp_path / "g.tbx", "<martif><unclosed"))


def test_coverage_counts_and_suggestions():
    g = Glossary([Term("援疆", "aid to Xinjiang", "slogan"), Term("市长", "Mayor of {place}", "title")])
    texts = ["援疆工作“创则必胜”，市长王建国说。", "援疆，“创则必胜”。《桃花源记》。衡阳市统计局发布数据。"]
    assert [(t.zh, n) for t, n in term_coverage(texts, g)] == [("援疆", 2), ("市长", 1)]
    suggestions = {s.zh: (s.kind, s.count, s.en) for s in suggest_terms(texts, g)}
    assert suggestions["创则必胜"] == ("slogan", 2, "")
    assert suggestions["桃花源记"] == ("title", 1, "")
    assert suggestions["王建国"] == ("person", 1, "Wang Jianguo")
    assert suggestions.get("衡阳市统计局", ("org",))[0] == "org"
    assert "援疆" not in suggestions


def test_add_recognises_a_row_with_the_default_status_as_present(tmp_path):
    path = write(tmp_path / "local.tsv", HEADER + "朱健\tZhu Jian\tperson\t\t\t\n")
    assert add_terms(path, [Term("朱健", "Zhu Jian", "person")]) == 0


def test_spaces_around_a_field_are_a_warning():
    out = lint("市长 \tMayor\ttitle\t\t\t\n")
    assert out == ["g.tsv:2: warning: spaces around a field (they are ignored)"]


def test_one_title_at_several_levels_must_be_parallel():
    rows = ("市委书记\tSecretary of the CPC {place} Municipal Committee\ttitle\t\t\t\n"
            "省委书记\tSecretary of the CPC {place} Provincial Committee\ttitle\t\t\t\n"
            "区委书记\tSecretary of the CPC {place} District Committee\ttitle\t\t\t\n"
            "县委书记\tSecretary of the CPC County Committee\ttitle\t\t\t\n"
            "市长\tMayor of {place}\ttitle\t\t\t\n省长\tGovernor of {place} Province\ttitle\t\t\t\n"
            "县长\tHead of {place} County\ttitle\t\t\t\n"
            "常务副市长\tExecutive Vice Mayor of {place}\ttitle\t\t\t\n"
            "常务副省长\tExecutive Vice Governor of {place} Province\ttitle\t\t\t\n"
            "常务副县长\tExecutive Deputy County Magistrate\ttitle\t\t\t\n")
    out = [m for m in lint(rows) if "parallel" in m]
    assert len(out) == 2, out
    assert out[0].startswith("g.tsv:5: warning: 县委书记 'Secretary of the CPC County Committee' is not parallel to 市委书记")
    assert out[1].startswith("g.tsv:11: warning: 常务副县长")
    # Mayor, Governor and Head are one title's words at three levels; the shipped glossary is parallel.
    assert not any("parallel" in str(m) for m in lint_paths())


def test_lint_of_the_whole_glossary_takes_under_a_second():
    import time

    lint_paths()  # imports and the first jieba-free run
    start = time.process_time()
    lint_paths()
    assert time.process_time() - start < 1.0


def test_suggestions_carry_draft_english_and_import_refuses_unreviewed_drafts(tmp_path):
    from bilingual.terms.coverage import draft_org_english, suggestions_tsv

    g = load_glossary()
    texts = ["初夏时节，吉安市石溪县枫林镇下坪村的井冈蜜柚基地里。", "潍坊市人民医院院长高峰、潍坊学院院长王文明出席。",
             "“千年秀林”建设稳步推进。"]
    got = {s.zh: (s.kind, s.en) for s in suggest_terms(texts, g)}
    assert got["石溪县"] == ("place", "Shixi County") and got["下坪村"] == ("place", "Xiaping Village")
    assert got["潍坊市人民医院"] == ("org", "Weifang People's Hospital")
    assert got["王文明"] == ("person", "Wang Wenming")
    assert got["千年秀林"] == ("slogan", "")
    assert draft_org_english("潍坊海晟新材料有限公司", g).endswith(" Co., Ltd.")
    path = tmp_path / "drafts.tsv"
    path.write_text(suggestions_tsv(suggest_terms(texts, g)), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER.strip() and all(line.endswith("\tdraft: review") for line in lines[1:])
    with pytest.raises(GlossaryError, match="empty en"):
        import_terms(path)
    reviewed = [line for line in lines if "\tdraft: review" in line and "\t\t" not in line.split("\t", 2)[1][:1]]
    path.write_text("\n".join([lines[0], *[line for line in reviewed if line.split("\t")[1]]]) + "\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="draft"):
        import_terms(path)
    path.write_text(path.read_text(encoding="utf-8").replace("draft: review", "reviewed: city hospital site"),
                    encoding="utf-8")
    assert {t.zh for t in import_terms(path)} >= {"石溪县", "潍坊市人民医院"}


def test_a_runs_glossary_check_is_remembered_by_content_and_sees_every_edit(tmp_path, monkeypatch):
    """``glossary_errors`` (the check before every batch) gives what lint gives; an unchanged glossary is not linted
    again, even in another process (the user's cache); an edit of the same size within one clock tick is seen."""
    import os

    from bilingual.terms import lint as lint_module
    from bilingual.terms.glossary import glossary_files

    monkeypatch.setenv("BILINGUAL_CACHE_DIR", str(tmp_path / "cache"))
    good = HEADER + "市长\tMayor\ttitle\t\t\t\n市委\tCity boss\ttitle\t\t\t\n"
    bad = HEADER + "市长\tMayor\ttitle\t\t\t\n市长\tCity boss\ttitle\t\t\t\n"  # conflicting targets
    assert len(good.encode()) == len(bad.encode())
    folder = tmp_path / "g"
    folder.mkdir()
    page = folder / "local.tsv"
    page.write_text(bad, encoding="utf-8")
    expected = errors_in(lint_paths([folder]))

    def check(paths):  # as the pipeline checks a glossary before a run
        return lint_module.glossary_errors(lint_module.lint_entries(glossary_files(paths)))

    assert expected and check([folder]) == expected
    assert (tmp_path / "cache" / "glossary-errors.marshal").is_file()

    def no_lint(*args, **kwargs):
        raise AssertionError("linted again")

    lint_module._ERRORS.clear()  # as a new process: only the user's cache
    with monkeypatch.context() as m:
        m.setattr(lint_module, "lint_texts", no_lint)
        assert check([folder]) == expected
    stat = page.stat()
    page.write_text(good, encoding="utf-8")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time: only the bytes differ
    assert check([folder]) == []
    page.write_text(bad, encoding="utf-8")
    assert check([folder]) == expected
    page.unlink()
    with pytest.raises(GlossaryError, match="no such glossary file"):
        check([page])
