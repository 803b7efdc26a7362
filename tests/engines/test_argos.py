"""The neural engine on a tiny real Argos package (random weights: mechanics, not quality)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bilingual.config import Config, WriteOptions
from bilingual.engines import load_engine
from bilingual.engines.argos import ArgosEngine, choose_placeholder_form, find_zh_en_package
from bilingual.engines.packages import install_package, list_packages, packages_dir, remove_package, validate_package
from bilingual.errors import ModelError
from bilingual.memory import Memories, TranslationMemory
from bilingual.model import Article, Edition, Paragraph, Segment, TermHit
from bilingual.pipeline import Pipeline
from bilingual.signature import Signature
from bilingual.stages.quality import flag_quality
from bilingual.stages.translate import protect, translate_edition
from bilingual.write import WRITERS, output_path

SEED = Path(__file__).resolve().parents[2] / "seeds" / "hengyang-evening-news-2023-08-19.txt"


def seed_sentences() -> list[str]:
    out = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        line = line.strip().lstrip("#").strip()
        out.extend(s for s in re.split(r"(?<=[。！？])", line) if s.strip())
    return out


@pytest.fixture(scope="module")
def engine(tiny_package_file, tmp_path_factory) -> ArgosEngine:
    data_dir = tmp_path_factory.mktemp("argos-data")
    install_package(str(tiny_package_file), data_dir=data_dir)
    # Random weights rarely emit </s>: cap the output so the seed decodes in seconds.
    return ArgosEngine(find_zh_en_package(data_dir), max_batch_size=8, decoding_options={"max_decoding_length": 24})


def test_install_lists_and_finds_the_package(installed_tiny_package):
    packages = list_packages(installed_tiny_package)
    assert [(p.from_code, p.to_code) for p in packages] == [("zh", "en")]
    found = find_zh_en_package(installed_tiny_package)
    assert found == packages[0].path and (found / "model" / "model.bin").is_file()
    assert found.parent == installed_tiny_package / "packages"


def test_default_location_honours_argos_packages_dir_set_after_import(tiny_package_file, tmp_path, monkeypatch):
    import argostranslate.settings  # noqa: F401  (fixes argostranslate's own folder at import)

    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "elsewhere"))
    assert find_zh_en_package() is None
    install_package(str(tiny_package_file))
    assert find_zh_en_package() == tmp_path / "elsewhere" / tiny_package_file.stem
    assert packages_dir() == tmp_path / "elsewhere"


def test_load_engine_argos_without_a_package_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="no zh->en model is installed"):
        load_engine("argos", tmp_path)


def test_load_engine_picks_argos_when_installed(installed_tiny_package):
    engine = load_engine("auto", installed_tiny_package)
    assert engine.name == "argos"
    assert engine.signature() == Signature(engine="argos", model="translate-zh_en-0.1-test", version="0.1-test")


def test_placeholder_form_round_trips_through_the_sentencepiece_vocabulary(engine):
    sp = engine.sp
    assert choose_placeholder_form(sp) == engine.placeholder_form
    for i in range(12):
        ph = engine.placeholder(i)
        ids = sp.encode(ph)
        assert sp.unk_id() not in ids and sp.decode(ids) == ph
    # and inside a protected Chinese sentence it survives tokenization intact
    seg = Segment(id="s", zh="市委书记刘越高率团。", terms=[TermHit("市委书记", "Secretary", "title", 0, 4),
                                                           TermHit("刘越高", "Liu Yuegao", "person", 4, 7)])
    protected, _ = protect(seg, engine)
    assert engine.placeholder(0) in sp.decode(sp.encode(protected))
    assert engine.placeholder(1) in sp.decode(sp.encode(protected))


def test_translate_batch_nbest_with_scores_in_input_order(engine):
    sentences = ["他说。", "", "市委书记刘越高率衡阳市党政代表团赴新疆维吾尔自治区鄯善县。", "要突出民生援疆导向。"]
    results = engine.translate_batch(sentences, num_hypotheses=3)
    assert len(results) == 4
    assert results[1][0].text == ""
    for i in (0, 2, 3):
        hyps = results[i]
        assert len(hyps) == 3
        scores = [h.score for h in hyps]
        assert all(isinstance(s, float) for s in scores) and scores == sorted(scores, reverse=True)
    # Same sentence alone gives the same best hypothesis: batching and sorting do not mix sentences up.
    alone = engine.translate_batch([sentences[2]], num_hypotheses=3)[0]
    assert alone[0].text == results[2][0].text


def test_seed_through_translate_and_quality_with_sockets_blocked(engine, tmp_path):
    sentences = seed_sentences()
    assert len(sentences) > 30
    segs = [Segment(id=f"s{i}", zh=s) for i, s in enumerate(sentences)]
    for seg in segs:  # a name the glossary stage would find
        start = seg.zh.find("刘越高")
        if start >= 0:
            seg.terms.append(TermHit("刘越高", "Liu Yuegao", "person", start, start + 3))
    edition = Edition(source="seed.txt", encoding="utf-8", articles=[
        Article(id="a", headline=Segment(id="h", zh="刘越高赴新疆"), paragraphs=[Paragraph(id="p", segments=segs)])])
    before = engine.sentences_decoded
    with Memories(TranslationMemory(tmp_path / "memory.sqlite3")) as memory:
        translate_edition(edition, engine, memory=memory)
        flag_quality(edition)
        first = engine.sentences_decoded - before
        assert first >= len(set(sentences))  # one decode per distinct sentence, plus repairs
        again = translate_edition(Edition.from_json(json.loads(json.dumps(edition.to_json()))), engine,
                                  memory=memory)
        assert engine.sentences_decoded - before == first  # the second run decoded nothing
    assert all(s.en is not None and s.engine == "argos" for s in edition.segments())
    assert [s.en for s in again.segments()] == [s.en for s in edition.segments()]
    # Random weights: every term hit ends up repaired, verified or missed; missed ones are flagged.
    for seg in edition.segments():
        for hit in seg.terms:
            assert hit.status in ("enforced", "verified", "repaired", "missed")
        assert ("missed-term" in seg.flags) == any(h.status == "missed" for h in seg.terms)
    assert any("low-score" in s.flags for s in edition.segments())


# --- package validation -------------------------------------------------------------------------


def _rezip(src: Path, dst: Path, rename=None, drop=None, edit_metadata=None, extra=None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            name = info.filename
            if drop and name.endswith(drop):
                continue
            if edit_metadata and name.endswith("metadata.json"):
                data = json.dumps(edit_metadata(json.loads(data))).encode()
            zout.writestr(rename(name) if rename else name, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def test_validate_accepts_the_real_package(tiny_package_file):
    info = validate_package(tiny_package_file)
    assert (info.from_code, info.to_code, info.version) == ("zh", "en", "0.1-test")


def test_corrupt_package_is_a_clear_error(tiny_package_file, tmp_path):
    truncated = tmp_path / "cut.argosmodel"
    truncated.write_bytes(tiny_package_file.read_bytes()[: tiny_package_file.stat().st_size // 2])
    with pytest.raises(ModelError, match=r"cut\.argosmodel: .*(not an Argos package|corrupt)"):
        install_package(str(truncated), data_dir=tmp_path / "d")
    flipped = tmp_path / "flipped.argosmodel"
    data = bytearray(tiny_package_file.read_bytes())
    data[len(data) // 3] ^= 0xFF  # inside a stored member: CRC mismatch
    flipped.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"flipped\.argosmodel: .*corrupt"):
        install_package(str(flipped), data_dir=tmp_path / "d")
    assert list_packages(tmp_path / "d") == []


def test_zip_slip_package_is_refused_before_anything_is_written(tiny_package_file, tmp_path):
    evil = _rezip(tiny_package_file, tmp_path / "evil.argosmodel",
                  extra={"translate-zh_en-0.1-test/../../outside.txt": b"pwned"})
    with pytest.raises(ModelError, match=r"evil\.argosmodel: unsafe entry .*outside"):
        install_package(str(evil), data_dir=tmp_path / "d")
    absolute = _rezip(tiny_package_file, tmp_path / "abs.argosmodel", extra={"/etc/x": b"pwned"})
    with pytest.raises(ModelError, match="unsafe entry"):
        validate_package(absolute)
    assert not (tmp_path / "outside.txt").exists() and not (tmp_path / "d").exists()


def test_a_reinstall_replaces_the_package_and_a_failed_one_keeps_it(tiny_package_file, tmp_path, monkeypatch):
    """The archive is unpacked beside the packages and put in place whole: a re-install replaces the old copy
    (no file of it left), a failing one (a full disk) leaves the installed package as it was, and neither leaves
    a temporary folder."""
    data_dir = tmp_path / "d"
    first = install_package(str(tiny_package_file), data_dir=data_dir)
    (first.path / "left-by-the-old-copy").write_text("x")
    second = install_package(str(tiny_package_file), data_dir=data_dir)
    assert second.path == first.path and not (second.path / "left-by-the-old-copy").exists()
    before = {p.relative_to(data_dir): p.read_bytes() for p in data_dir.rglob("*") if p.is_file()}

    real_extract = zipfile.ZipFile._extract_member  # what extract and extractall call for each member

    def extract_then_full_disk(self, member, *args):
        if getattr(member, "filename", str(member)).endswith("sentencepiece.model"):
            raise OSError(28, "No space left on device")
        return real_extract(self, member, *args)

    monkeypatch.setattr(zipfile.ZipFile, "_extract_member", extract_then_full_disk)
    with pytest.raises(ModelError, match=r"^.*translate-zh_en-0\.1-test: cannot install the package: No space left"):
        install_package(str(tiny_package_file), data_dir=data_dir)
    monkeypatch.undo()
    after = {p.relative_to(data_dir): p.read_bytes() for p in data_dir.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in (data_dir / "packages").iterdir()] == [first.name]
    assert [p.path for p in list_packages(data_dir)] == [first.path]


def test_installing_imports_none_of_argostranslates_translate_stack(tiny_package_file, tmp_path):
    """argostranslate's own install imports its translate module (spaCy, torch: seconds) to clear a cache."""
    code = ("import sys\nfrom bilingual.cli import main\n"
            f"assert main(['model', '--data-dir', {str(tmp_path / 'd')!r}, 'install', {str(tiny_package_file)!r}]) == 0\n"
            "loaded = sorted(m for m in ('torch', 'spacy', 'stanza', 'argostranslate.translate') if m in sys.modules)\n"
            "assert not loaded, loaded\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert [p.name for p in list_packages(tmp_path / "d")] == [tiny_package_file.stem]


def test_hidden_leftovers_in_the_packages_folder_are_not_packages(tiny_package_file, tmp_path):
    data_dir = tmp_path / "d"
    installed = install_package(str(tiny_package_file), data_dir=data_dir)
    shutil.copytree(installed.path, installed.path.parent / f".{installed.name}.old")  # as a crash leaves it
    assert [p.path for p in list_packages(data_dir)] == [installed.path]
    assert find_zh_en_package(data_dir) == installed.path


def test_an_archive_whose_names_unpack_elsewhere_is_refused(tiny_package_file, tmp_path):
    """Backslash separators (a zip made on Windows) pass the name checks but unpack as flat files here."""
    flat = _rezip(tiny_package_file, tmp_path / "flat.argosmodel",
                  rename=lambda name: name.replace("/", "\\", 1) if name.endswith("sentencepiece.model") else name)
    with pytest.raises(ModelError, match=r"flat\.argosmodel: the unpacked package is not usable: missing sentencepiece"):
        install_package(str(flat), data_dir=tmp_path / "d")
    assert list_packages(tmp_path / "d") == [] and list((tmp_path / "d" / "packages").iterdir()) == []


def test_wrong_language_package_is_refused(wrong_language_package_file, tmp_path):
    with pytest.raises(ModelError, match=r"translates en -> de; this tool needs zh -> en"):
        install_package(str(wrong_language_package_file), data_dir=tmp_path / "d")


def test_missing_parts_are_named(tiny_package_file, tmp_path):
    no_sp = _rezip(tiny_package_file, tmp_path / "nosp.argosmodel", drop="sentencepiece.model")
    with pytest.raises(ModelError, match="missing .*sentencepiece.model"):
        validate_package(no_sp)
    not_zip = tmp_path / "plain.argosmodel"
    not_zip.write_text("hello")
    with pytest.raises(ModelError, match="not a zip"):
        validate_package(not_zip)


def test_install_by_name_offline_is_one_line_error_without_retry(tmp_path):
    with pytest.raises(ModelError) as err:
        install_package("zh_en", data_dir=tmp_path)
    assert "cannot reach the Argos package index" in str(err.value) and "\n" not in str(err.value)


def test_model_install_zh_en_by_name_through_the_cli_is_one_line_error_offline(capsys):
    from bilingual.cli import main

    # In-process, so the conftest's socket block stands in for the offline machine.
    assert main(["model", "install", "zh-en"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("bilingual: error:") and "Argos package index" in err, err


def test_remove_package(installed_tiny_package):
    removed = remove_package("zh_en", installed_tiny_package)
    assert not removed.path.exists()
    assert find_zh_en_package(installed_tiny_package) is None
    with pytest.raises(ModelError, match="no installed package named"):
        remove_package("zh_en", installed_tiny_package)


def test_seed_page_read_translated_flagged_and_reported(engine, tmp_path, seed_path):
    """The real reader and segmenter, then our stages and the report writer, with sockets blocked."""
    edition = Pipeline(Config()).read(seed_path)
    with Memories(TranslationMemory(tmp_path / "memory.sqlite3")) as memory:
        flag_quality(translate_edition(edition, engine, memory=memory))
    segments = list(edition.segments())
    assert len(edition.articles) == 4 and all(s.en is not None and s.engine == "argos" for s in segments)
    assert {(s.origin.engine, s.origin.model) for s in segments if s.en} == {("argos", "translate-zh_en-0.1-test 0.1-test")}
    path = WRITERS["report"].write(edition, output_path(tmp_path / "out", edition.stem, "report"), WriteOptions())
    report = json.loads(path.read_text(encoding="utf-8"))
    assert report["segments"] == len(segments) and report["translated"] > 0
    assert report["flags"]["low-score"] > 0  # random weights score badly, and the report says so


def test_whole_pipeline_on_the_seed_with_the_glossary(installed_tiny_package, tmp_path, seed_path):
    """The pipeline end to end (terms, TM, quality) with the neural engine and the shipped glossary."""
    config = Config(out_dir=tmp_path / "out", engine="argos", formats=("json", "report"),
                    data_dir=installed_tiny_package)
    engine = ArgosEngine(find_zh_en_package(installed_tiny_package), decoding_options={"max_decoding_length": 24})
    pipeline = Pipeline(config, engine=engine)
    edition = pipeline.translate(pipeline.read(seed_path))
    written = pipeline.write(edition)
    first = engine.sentences_decoded
    assert first > 0 and {p.suffix for p in written} == {".json"}
    hits = [h for s in edition.segments() for h in s.terms]
    assert hits and all(h.status in ("enforced", "verified", "repaired", "missed") for h in hits)
    again = pipeline.translate(pipeline.read(seed_path))
    assert engine.sentences_decoded == first  # unchanged page: the TM answers everything
    assert [s.en for s in again.segments()] == [s.en for s in edition.segments()]


def test_load_engine_reuses_the_loaded_model(installed_tiny_package):
    first = load_engine("argos", installed_tiny_package)
    assert load_engine("auto", installed_tiny_package) is first
