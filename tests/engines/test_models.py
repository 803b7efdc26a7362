"""Model management: recognising, installing, listing and removing every kind; downloads from an index.

Downloads run against an index and files served on loopback by a small server in this module (or an
index on disk), reproducing what goes wrong on real networks: a dead first mirror, a captive portal's
web page, a connection that drops before the end, a wrong hash.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers import run_in_process

from bilingual.engines import load_engine
from bilingual.engines.models import find_model, install_model, list_models, models_dir, recognise, remove_model
from bilingual.engines.packages import download_package, find_in_index, index_url, install_package, packages_dir
from bilingual.errors import ModelError


class FileServer:
    """Serves ``routes`` on loopback: path -> bytes, or (behaviour, bytes) with behaviour "portal" (an HTML
    page with status 200), "partial" (Content-Length of the whole, then half of it and a closed connection)
    or "404"."""

    def __init__(self, routes: dict):
        self.routes, self.hits = routes, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.hits.append(self.path)
                route = server.routes.get(self.path)
                if route is None or route[0] == "404":
                    self.send_error(404)
                    return
                behaviour, data = route if isinstance(route, tuple) else ("ok", route)
                if behaviour == "portal":
                    data = b"<!DOCTYPE html><html><body>Please log in to the hotel Wi-Fi</body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html" if behaviour == "portal" else "application/zip")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2] if behaviour == "partial" else data)
                self.wfile.flush()
                if behaviour == "partial":
                    self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def index_for(server: FileServer, links: list[str]) -> bytes:
    return json.dumps([{"code": "translate-zh_en", "from_code": "zh", "to_code": "en", "package_version": "0.1-test",
                        "links": [server.url(link) for link in links]}]).encode()


# -- recognising and installing every kind ----------------------------------------------------------


def test_install_list_remove_every_kind(tiny_package_file, opus_mt_folder, nllb_folder, m2m100_folder, tmp_path):
    data = tmp_path / "data"
    installed = [install_model(str(p), data) for p in (tiny_package_file, opus_mt_folder, nllb_folder, m2m100_folder)]
    assert [m.kind for m in installed] == ["argos", "opus-mt", "nllb", "m2m100"]
    assert installed[0].path.parent == packages_dir(data)
    assert all(m.path.parent == models_dir(data) for m in installed[1:])
    listed = {m.name: m for m in list_models(data)}
    assert set(listed) == {"translate-zh_en-0.1-test", "opus-mt-zh-en", "nllb-200-tiny", "m2m100-tiny"}
    assert all(m.languages == "zh->en" and m.size_bytes() > 10_000 for m in listed.values())
    # A version for models without one: a hash of the weights, so the memory never mixes two models.
    assert len(listed["nllb-200-tiny"].version) == 12
    assert find_model(data).kind == "argos"  # auto: Argos first, then opus-mt, nllb, m2m100
    assert find_model(data, kind="nllb").name == "nllb-200-tiny"
    assert load_engine("auto", data).name == "argos"
    from bilingual.config import EngineOptions

    assert load_engine("auto", data, EngineOptions(model="m2m100-tiny")).name == "m2m100"
    assert load_engine("opus-mt", data).signature().model == "opus-mt-zh-en"

    # remove accepts what install accepted: the file, the folder, the name, the code pair
    assert remove_model(str(tiny_package_file), data).kind == "argos"
    assert remove_model(str(opus_mt_folder), data).kind == "opus-mt"
    assert remove_model("nllb-200-tiny", data).kind == "nllb"
    assert [m.name for m in list_models(data)] == ["m2m100-tiny"]
    with pytest.raises(ModelError, match="no installed model named 'nllb-200-tiny'"):
        remove_model("nllb-200-tiny", data)


def test_unzipped_argos_folder_installs_and_a_zipped_model_folder_too(tiny_package_file, nllb_folder, tmp_path):
    unzipped = tmp_path / "unzipped"
    zipfile.ZipFile(tiny_package_file).extractall(unzipped)
    folder = unzipped / tiny_package_file.stem
    info = install_model(str(folder), tmp_path / "data")
    assert info.kind == "argos" and (info.path / "model" / "model.bin").is_file()
    assert remove_model(str(folder), tmp_path / "data").name == info.name
    # A zip of a CTranslate2 folder (as a model is often shared)
    archive = shutil.make_archive(str(tmp_path / "nllb-200-tiny"), "zip", nllb_folder.parent, nllb_folder.name)
    zipped = install_model(archive, tmp_path / "data")
    assert zipped.kind == "nllb" and zipped.name == "nllb-200-tiny"
    assert not any(p.name.startswith(".unpack") for p in models_dir(tmp_path / "data").iterdir())
    assert remove_model(archive, tmp_path / "data").name == "nllb-200-tiny"


def test_recognition_errors_are_one_line_and_name_the_folder(tmp_path, opus_mt_folder):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelError, match="not a model this tool can run: expected an Argos package") as err:
        recognise(empty)
    assert str(empty) in str(err.value) and "\n" not in str(err.value)
    # An OPUS-MT model of other languages (from its tokenizer_config.json) is refused at install.
    other = tmp_path / "opus-mt-de-en"
    shutil.copytree(opus_mt_folder, other)
    (other / "tokenizer_config.json").write_text('{"source_lang": "deu", "target_lang": "eng"}')
    with pytest.raises(ModelError, match="model translates deu -> en; this tool needs zh -> en"):
        install_model(str(other), tmp_path / "d")
    # Without tokenizer_config.json the folder's name says the languages; a name that does not is an error.
    (other / "tokenizer_config.json").unlink()
    assert recognise(other).languages == "de->en"
    named = tmp_path / "my-model"
    shutil.copytree(other, named)
    with pytest.raises(ModelError, match="cannot tell this OPUS-MT model's languages"):
        recognise(named)


def test_an_nllb_folder_without_its_sentencepiece_model(nllb_folder, tmp_path):
    broken = tmp_path / "nllb-broken"
    shutil.copytree(nllb_folder, broken)
    (broken / "sentencepiece.bpe.model").unlink()
    with pytest.raises(ModelError, match="a nllb model needs its SentencePiece model"):
        recognise(broken)


def test_sha256_pin_on_a_local_file(tiny_package_file, tmp_path):
    good = hashlib.sha256(tiny_package_file.read_bytes()).hexdigest()
    assert install_model(str(tiny_package_file), tmp_path / "d", sha256=good.upper()).kind == "argos"
    with pytest.raises(ModelError, match="not the pinned 0000") as err:
        install_model(str(tiny_package_file), tmp_path / "e", sha256="0" * 64)
    assert str(tiny_package_file) in str(err.value)


# -- downloads ---------------------------------------------------------------------------------


def test_index_url_follows_argostranslates_convention(tmp_path):
    assert index_url(None) == "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
    assert index_url("https://mirror.example/argos/") == "https://mirror.example/argos/index.json"
    assert index_url("https://mirror.example/argos") == "https://mirror.example/argos/index.json"
    assert index_url("https://mirror.example/my-index.json") == "https://mirror.example/my-index.json"
    assert index_url(str(tmp_path / "index.json")) == (tmp_path / "index.json").as_uri()
    assert index_url(str(tmp_path)) == tmp_path.as_uri() + "/index.json"


def test_every_link_is_tried_in_turn_with_progress(tiny_package_file, tmp_path):
    data = tiny_package_file.read_bytes()
    with FileServer({"/dead.argosmodel": ("404", b""), "/portal.argosmodel": ("portal", b""),
                     "/good.argosmodel": data}) as server:
        server.routes["/index.json"] = index_for(server, ["/dead.argosmodel", "/portal.argosmodel",
                                                          "/good.argosmodel"])
        seen = []
        info = install_package("zh-en", tmp_path / "d", index=server.url("/"),
                               progress=lambda done, total, url: seen.append((done, total, url)))
        assert info.name == "translate-zh_en-0.1-test"
        assert server.hits == ["/index.json", "/dead.argosmodel", "/portal.argosmodel", "/good.argosmodel"]
        good = [s for s in seen if s[2].endswith("/good.argosmodel")]
        assert good[0][:2] == (0, len(data)) and good[-1][:2] == (len(data), len(data))


def test_captive_portal_and_partial_downloads_are_clear_errors_naming_the_url(tiny_package_file, tmp_path):
    data = tiny_package_file.read_bytes()
    with FileServer({"/portal.argosmodel": ("portal", b""), "/cut.argosmodel": ("partial", data)}) as server:
        server.routes["/index.json"] = index_for(server, ["/portal.argosmodel"])
        with pytest.raises(ModelError) as err:
            install_package("translate-zh_en", tmp_path / "d", index=server.url("/index.json"))
        message = str(err.value)
        assert message.startswith(server.url("/portal.argosmodel")) and "captive portal" in message
        assert "\n" not in message and "/tmp" not in message.split(": ", 1)[1]
        server.routes["/index.json"] = index_for(server, ["/cut.argosmodel"])
        with pytest.raises(ModelError, match="stopped early") as err:
            install_package("zh_en", tmp_path / "d", index=server.url("/"))
        assert str(err.value).startswith(server.url("/cut.argosmodel"))
        # Both links failing: one error listing each URL with its reason.
        server.routes["/index.json"] = index_for(server, ["/portal.argosmodel", "/cut.argosmodel"])
        with pytest.raises(ModelError, match="from every link") as err:
            install_package("zh_en", tmp_path / "d", index=server.url("/"))
        assert "portal.argosmodel: the server answered with a web page" in str(err.value)
        assert "cut.argosmodel: the download stopped early" in str(err.value)
    assert not (tmp_path / "d" / "packages").exists() or not any((tmp_path / "d" / "packages").iterdir())


def test_sha256_pin_on_a_download(tiny_package_file, tmp_path):
    data = tiny_package_file.read_bytes()
    with FileServer({"/good.argosmodel": data}) as server:
        server.routes["/index.json"] = index_for(server, ["/good.argosmodel"])
        with pytest.raises(ModelError, match="not the pinned") as err:
            install_package("zh_en", tmp_path / "d", index=server.url("/"), sha256="ab" * 32)
        assert str(err.value).startswith(server.url("/good.argosmodel"))
        info = install_package("zh_en", tmp_path / "d", index=server.url("/"),
                               sha256=hashlib.sha256(data).hexdigest())
        assert info.path.is_dir()


def test_a_downloaded_package_that_is_not_usable_names_the_url(wrong_language_package_file, tmp_path):
    with FileServer({"/wrong.argosmodel": wrong_language_package_file.read_bytes()}) as server:
        server.routes["/index.json"] = index_for(server, ["/wrong.argosmodel"])
        with pytest.raises(ModelError) as err:
            install_package("zh_en", tmp_path / "d", index=server.url("/"))
    assert str(err.value).startswith(server.url("/wrong.argosmodel") + ": the downloaded package is not usable")


def test_an_index_on_disk_with_relative_links_for_an_air_gapped_mirror(tiny_package_file, tmp_path):
    mirror = tmp_path / "usb"
    mirror.mkdir()
    shutil.copy(tiny_package_file, mirror / "zh_en.argosmodel")
    (mirror / "index.json").write_text(json.dumps([{"from_code": "zh", "to_code": "en",
                                                    "links": ["zh_en.argosmodel"]}]))
    entry, url = find_in_index("zh_en", str(mirror / "index.json"))
    assert url == (mirror / "index.json").as_uri()
    archive, link = download_package(entry, url, tmp_path)
    assert link == (mirror / "zh_en.argosmodel").as_uri() and archive.read_bytes() == tiny_package_file.read_bytes()
    with pytest.raises(ModelError, match="the Argos index has no package 'de_en'"):
        find_in_index("de_en", str(mirror))


# -- the CLI -----------------------------------------------------------------------------------


def test_model_cli_install_list_tune_remove(tiny_package_file, opus_mt_folder, tmp_path):
    data = ["--data-dir", str(tmp_path / "data")]
    empty = run_in_process("model", *data, "list")
    assert empty.returncode == 0 and "no models installed" in empty.stdout
    for source in (tiny_package_file, opus_mt_folder):
        run = run_in_process("model", "install", str(source), *data)  # --data-dir after the action works too
        assert run.returncode == 0, run.stderr
    listed = run_in_process("model", *data, "list").stdout.splitlines()
    assert listed[0].split() == ["name", "kind", "languages", "size", "version", "threads", "path"]
    argos = next(line for line in listed if "translate-zh_en-0.1-test" in line)
    opus = next(line for line in listed if "opus-mt-zh-en" in line)
    assert re.match(r"\* +translate-zh_en-0.1-test +argos +zh->en +\d+\.\d (KB|MB) +0.1-test +default ", argos), argos
    assert re.match(r"  +opus-mt-zh-en +opus-mt +zh->en +\d+\.\d (KB|MB) +[0-9a-f]{12} +default ", opus), opus
    tuned = run_in_process("model", "tune", "opus-mt-zh-en", "--device", "cpu", "--sentences", "4", *data)
    assert tuned.returncode == 0, tuned.stderr
    # 4 sentences tell no batch size from batches of 8 (the smallest): one timing per split, twice; the rest is said.
    assert "fastest for opus-mt-zh-en: " in tuned.stdout and tuned.stderr.count("sentences/s") == 4
    assert "not measured with 2 translators: batches of 16, 32, 64 (4 sentences decode as smaller batches there; " \
           "--sentences 256 measures them)" in tuned.stderr
    opus = next(line for line in run_in_process("model", *data, "list").stdout.splitlines() if "opus-mt" in line)
    assert re.search(r" \d x \d threads, batches of \d+ ", opus), opus
    removed = run_in_process("model", *data, "remove", "zh-en")
    assert removed.returncode == 0 and "removed translate-zh_en-0.1-test (argos" in removed.stdout
    missing = run_in_process("model", *data, "remove", "zh-en")
    assert missing.returncode == 1 and "no installed model named 'zh-en'" in missing.stderr


def test_model_install_reads_argos_package_index_and_shows_progress(tiny_package_file, tmp_path):
    with FileServer({"/good.argosmodel": tiny_package_file.read_bytes()}) as server:
        server.routes["/index.json"] = index_for(server, ["/good.argosmodel"])
        run = run_in_process("model", "--data-dir", tmp_path / "d", "install", "zh_en",
                             environ={"ARGOS_PACKAGE_INDEX": server.url("/")})
        assert run.returncode == 0, run.stderr
        assert f"downloading {server.url('/good.argosmodel')}" in run.stderr and "100%" in run.stderr
        # --index wins over the environment
        run = run_in_process("model", "--data-dir", tmp_path / "e", "install", "zh_en", "--index",
                             server.url("/nothing/"), environ={"ARGOS_PACKAGE_INDEX": server.url("/")})
        assert run.returncode == 1 and server.url("/nothing/index.json") in run.stderr


def test_model_install_sha256_must_be_hex(tiny_package_file, tmp_path):
    run = run_in_process("model", "install", str(tiny_package_file), "--sha256", "xyz")
    assert run.returncode == 2 and "64 hex digits" in run.stderr


def test_translate_uses_a_model_installed_in_data_dir(opus_mt_folder, tmp_path, seed_path):
    data = tmp_path / "data"
    assert run_in_process("model", "install", str(opus_mt_folder), "--data-dir", data).returncode == 0
    run = run_in_process("translate-text", "--data-dir", data, "--device", "cpu", "--no-cache", stdin="他说。\n")
    assert run.returncode == 0, run.stderr
    assert "engine: opus-mt (opus-mt-zh-en)" in run.stderr
    missing = run_in_process("translate-text", "--engine", "nllb", "--data-dir", data, stdin="他说。\n")
    assert missing.returncode == 1 and "no zh->en model is installed for --engine nllb" in missing.stderr
    bad = run_in_process("translate-text", "--device", "tpu", stdin="他说。\n")
    assert bad.returncode == 2 and "--device" in bad.stderr
