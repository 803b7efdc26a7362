"""The conventions a command-line user expects: one line out per line in, `-` for stdin/stdout, no folders made
for a mistyped path, options after the action, --json, -q/-v, completion, a config file, and refusals that say
what is wrong (a missing page, a PDF, swapped files or arguments, an English that does not match)."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from helpers import ROOT, SEED, run_console_script, run_in_process

GLOSSARY_ENV = {"BILINGUAL_GLOSSARY_DIR": ""}


@pytest.fixture()
def folder(tmp_path) -> Path:
    g = tmp_path / "glossary"
    shutil.copytree(ROOT / "glossary", g)
    return g


# -- translate-text ---------------------------------------------------------------------------------

SEPARATORS = ["\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def test_translate_text_gives_one_line_per_line_whatever_separators_are_inside(tmp_path):
    lines = [f"市民在公园散步{sep}天气很好。" for sep in SEPARATORS] + ["", "投资2.5亿元。"]
    text = "\n".join(lines) + "\n"
    result = run_in_process("translate-text", "--engine", "gloss", "--no-cache", cwd=tmp_path, stdin=text)
    assert result.returncode == 0, result.stderr
    out = result.stdout.split("\n")
    assert out[-1] == "" and len(out) - 1 == len(lines), out
    assert all(line.strip() for line in out[:len(SEPARATORS)]) and out[len(SEPARATORS)] == ""
    assert "250 million" in out[len(SEPARATORS) + 1]
    for sep in SEPARATORS:
        assert sep not in result.stdout


def test_translate_text_line_ends_crlf_and_cr_and_a_missing_final_newline(tmp_path):
    result = run_in_process("translate-text", "--engine", "gloss", "--no-cache", "-", cwd=tmp_path,
                            stdin="市民散步。\r\n天气很好。\r投资2.5亿元。")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split("\n")) == 4 and "250 million" in result.stdout.split("\n")[2]


def test_pdftotext_pages_through_the_console_script(tmp_path):
    page = tmp_path / "pages.txt"
    page.write_bytes("第一页的句子。\n\f第二页的句子。\n".encode("gbk"))
    result = run_console_script("translate-text", str(page), "--engine", "gloss", "--no-cache", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split("\n")) == 3 and result.stderr == ""  # -q: no engine line


# -- "-" and folders --------------------------------------------------------------------------------


def test_segment_reads_stdin(tmp_path):
    result = run_in_process("segment", "-", cwd=tmp_path, stdin=SEED.read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"] == "stdin.txt" and data["articles"][0]["headline"].startswith("坚决扛牢重大责任")


def test_tm_export_to_stdout_and_import_from_stdin(tmp_path):
    from bilingual.memory import TranslationMemory, project_memory_path

    with TranslationMemory(project_memory_path(tmp_path / "output")) as memory:
        memory.store_human("他来了。", "He came.", "xliff", who="ana")
    exported = run_in_process("tm", "export", "-", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("<?xml") and "<seg>He came.</seg>" in exported.stdout
    (tmp_path / "other").mkdir()
    imported = run_in_process("tm", "import", "-", "--out", "other", cwd=tmp_path, stdin=exported.stdout)
    assert imported.returncode == 0, imported.stderr
    assert "1 Chinese/English pairs, 1 new" in imported.stdout


def test_glossary_export_to_stdout_and_import_from_stdin(folder, tmp_path):
    out = run_in_process("glossary", "--glossary", str(folder), "export", "-", "--format", "tsv", environ=GLOSSARY_ENV)
    assert out.returncode == 0 and out.stdout.startswith("zh\ten\ttype")
    other = tmp_path / "other"
    other.mkdir()
    back = run_in_process("glossary", "import", "-", "--format", "tsv", "--glossary", str(other),
                          stdin=out.stdout, environ=GLOSSARY_ENV)
    assert back.returncode == 0, back.stderr
    assert (other / "local.tsv").read_text(encoding="utf-8").count("\n") == out.stdout.count("\n")


def test_no_command_makes_folders_for_a_mistyped_path(tmp_path):
    missing = tmp_path / "nope" / "deeper"
    runs = [
        ("translate", str(SEED), "--out", str(missing / "out"), "--engine", "gloss"),
        ("tm", "export", str(missing / "x.tmx")),
        ("tm", "stats", "--out", str(missing)),
        ("glossary", "export", str(missing / "g.tsv")),
        ("translate-text", "--out", str(missing / "out"), "--engine", "gloss"),
    ]
    (tmp_path / "output").mkdir()
    for args in runs:
        result = run_in_process(*args, cwd=tmp_path, stdin="他说。\n", environ=GLOSSARY_ENV)
        assert result.returncode == 2, (args, result.stderr)
        assert "does not exist" in result.stderr and result.stderr.count("\n") == 1, (args, result.stderr)
        assert not (tmp_path / "nope").exists(), args


# -- options after the action, --json, -q/-v, completion, config --------------------------------------


def test_options_after_the_action(folder, tmp_path):
    added = run_in_process("glossary", "add", "来雁塔", "Laiyan Pagoda", "--type", "place", "--glossary",
                           str(folder), environ=GLOSSARY_ENV)
    assert added.returncode == 0, added.stderr
    assert "来雁塔\tLaiyan Pagoda" in (folder / "hengyang.tsv").read_text(encoding="utf-8")
    listed = run_in_process("model", "list", "--data-dir", str(tmp_path / "d"), "--json")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert data == {"folders": [str(tmp_path / "d" / "packages"), str(tmp_path / "d" / "models")], "models": []}


def test_json_output(folder, tmp_path):
    find = run_in_process("glossary", "find", "书记", "--json", "--glossary", str(folder), environ=GLOSSARY_ENV)
    rows = json.loads(find.stdout)
    longer = {r["zh"] for r in rows if r["match"] == "contains"}
    assert {"市委书记", "副书记"} & longer and all("书记" in zh for zh in longer)
    coverage = json.loads(run_in_process("glossary", "coverage", str(SEED), "--json", environ=GLOSSARY_ENV).stdout)
    assert coverage["occur"] > 10 and any(c["zh"] == "援疆" and c["count"] >= 5 for c in coverage["coverage"])
    suggest = json.loads(run_in_process("glossary", "suggest", str(SEED), "--json", environ=GLOSSARY_ENV).stdout)
    assert any(s["zh"] == "创则必胜" for s in suggest)
    (tmp_path / "output").mkdir()
    stats = json.loads(run_in_process("tm", "stats", "--json", cwd=tmp_path).stdout)
    assert stats["human"] == 0 and stats["machine"] == 0


def test_glossary_find_also_finds_longer_terms(folder):
    result = run_in_process("glossary", "--glossary", str(folder), "find", "书记", environ=GLOSSARY_ENV)
    assert result.returncode == 0
    assert "(contains)\t市委书记\t" in result.stdout


def test_completion_script():
    bash = run_in_process("completion", "bash")
    assert bash.returncode == 0 and "complete" in bash.stdout and "translate-text" in bash.stdout
    assert "--glossary" in bash.stdout
    assert run_in_process("completion", "zsh").stdout.startswith("#compdef")


def test_config_file_gives_place_layout_and_glossary(tmp_path, folder):
    config = tmp_path / "xdg" / "bilingual" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'place = "Changsha"\nlayout = "interleaved"\nglossary = "{folder}"\n', encoding="utf-8")
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), **GLOSSARY_ENV}
    segment = run_in_process("segment", str(SEED), environ=env)
    assert json.loads(segment.stdout)["place"] == "Changsha"
    run_in_process("glossary", "add", "来雁塔", "Laiyan Pagoda", "--type", "place", environ=env)
    assert "来雁塔" in (folder / "hengyang.tsv").read_text(encoding="utf-8")  # the config's glossary folder
    given = run_in_process("segment", str(SEED), "--place", "Hengyang", environ=env)
    assert json.loads(given.stdout)["place"] == "Hengyang"  # the option wins
    config.write_text('layout = "sideways"\n', encoding="utf-8")
    bad = run_in_process("segment", str(SEED), environ=env)
    assert bad.returncode == 2 and str(config) in bad.stderr and "layout" in bad.stderr


# -- refusals that say what is wrong ----------------------------------------------------------------


def test_translate_a_missing_page_keeps_the_previous_report_and_loads_no_engine(tmp_path):
    out = tmp_path / "output"
    out.mkdir()
    (out / "report.json").write_text('{"previous": true}', encoding="utf-8")
    result = run_in_process("translate", "nope.txt", "--engine", "argos", "--data-dir", str(tmp_path / "d"),
                            cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "bilingual: error: nope.txt: no such file\n"  # not "no zh->en model": no engine loaded
    assert (out / "report.json").read_text(encoding="utf-8") == '{"previous": true}'


def test_translate_a_pdf_says_pdf_is_not_supported(tmp_path):
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    result = run_in_process("translate", str(pdf), "--engine", "gloss", cwd=tmp_path)
    assert result.returncode == 1 and "PDF input is not supported (yet)" in result.stderr
    assert "binary" not in result.stderr


def test_align_refuses_swapped_and_same_language_inputs(tmp_path):
    zh = tmp_path / "zh.txt"
    en = tmp_path / "en.txt"
    zh.write_text("市民在公园散步。天气很好。\n", encoding="utf-8")
    en.write_text("People walk in the park. The weather is fine.\n", encoding="utf-8")
    swapped = run_in_process("align", str(en), str(zh), "--plain", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert swapped.returncode == 1 and "swapped" in swapped.stderr
    both_zh = run_in_process("align", str(zh), str(zh), "--plain", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert both_zh.returncode == 1 and "found Chinese text" in both_zh.stderr
    both_en = run_in_process("align", str(en), str(en), "--plain", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert both_en.returncode == 1 and "expected Chinese" in both_en.stderr
    assert not list((tmp_path / "out").rglob("*.tmx")) if (tmp_path / "out").exists() else True


def test_glossary_remove_says_when_the_english_does_not_match(folder):
    result = run_in_process("glossary", "--glossary", str(folder), "remove", "援疆", "--en", "nope", "--yes",
                            environ=GLOSSARY_ENV)
    assert result.returncode == 1
    assert "the English did not match" in result.stderr and "援疆" in result.stderr
    assert "is not in the glossary" not in result.stderr


def test_glossary_add_refuses_swapped_arguments(folder):
    before = {f.name: f.read_text(encoding="utf-8") for f in folder.glob("*.tsv")}
    result = run_in_process("glossary", "--glossary", str(folder), "add", "Laiyan Pagoda", "来雁塔", "--type",
                            "place", environ=GLOSSARY_ENV)
    assert result.returncode == 2 and "Chinese comes first" in result.stderr
    assert {f.name: f.read_text(encoding="utf-8") for f in folder.glob("*.tsv")} == before


def test_serve_on_a_port_in_use_and_a_missing_folder(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        (tmp_path / "output").mkdir()
        result = run_in_process("serve", "--port", str(port), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == f"bilingual: error: port {port} on 127.0.0.1 is in use (another server?); choose another " \
                            "with --port\n"
    typo = run_in_process("serve", "--out", "outptu", cwd=tmp_path)
    assert typo.returncode == 2 and "the output folder outptu does not exist" in typo.stderr
    assert not (tmp_path / "outptu").exists()


def test_serve_warns_when_it_listens_beyond_this_machine(tmp_path, monkeypatch):
    import uvicorn

    served = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: served.append(sockets))
    (tmp_path / "output").mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_in_process("serve", "--host", "0.0.0.0", "--port", str(port), "--allow-host", "newsroom.lan",
                            cwd=tmp_path)
    assert result.returncode == 0 and len(served) == 1
    assert "warning: listening on 0.0.0.0, not only on this machine" in result.stderr
    assert "newsroom.lan" in result.stderr
    quiet = run_in_process("serve", "--port", str(port), cwd=tmp_path)
    assert quiet.returncode == 0 and "warning" not in quiet.stderr
