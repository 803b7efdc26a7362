"""Argos model packages: validate, install, list and remove ``.argosmodel`` files.

A package is a zip of one folder holding ``metadata.json``, a CTranslate2
model in ``model/`` and ``sentencepiece.model``. We check every archive
ourselves before argostranslate's package module unpacks it (argostranslate
would unpack anything), and we never use argostranslate to translate.

Where packages live: ``<data_dir>/packages`` when a data dir is given,
otherwise where argostranslate keeps them (``$ARGOS_PACKAGES_DIR``, else
``$XDG_DATA_HOME/argos-translate/packages``), so packages installed with
``argospm`` are found too. argostranslate reads that location once, when
``argostranslate.settings`` is first imported; we compute it on every call
and point argostranslate at it while installing, so a changed environment
(tests set ``ARGOS_PACKAGES_DIR`` per test) is honoured.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import ModelError

REQUIRED_FROM = "zh"
REQUIRED_TO = "en"
INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
INDEX_TIMEOUT_S = 15  # one attempt; offline it fails fast and says so


@dataclass(frozen=True)
class PackageInfo:
    """An installed (or validated) package."""

    name: str  # the package folder name, e.g. "translate-zh_en-1_9"
    path: Path | None  # the installed folder; None for a validated archive not yet installed
    from_code: str
    to_code: str
    version: str  # metadata's package_version
    metadata: dict

    @property
    def is_zh_en(self) -> bool:
        return self.from_code == REQUIRED_FROM and self.to_code == REQUIRED_TO


def packages_dir(data_dir: Path | None = None) -> Path:
    """The folder that holds installed packages (see the module docstring)."""
    if data_dir is not None:
        return Path(data_dir) / "packages"
    env = os.environ.get("ARGOS_PACKAGES_DIR")
    if env:
        return Path(env)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "argos-translate" / "packages"


def _read_metadata(path: Path, name: str) -> dict:
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError(f"metadata.json of package {name} is unreadable: {e}", path) from None
    if not isinstance(metadata, dict):
        raise ModelError("metadata.json is not a JSON object", path)
    return metadata


def read_installed(folder: Path) -> PackageInfo:
    """Describe one installed package folder; ModelError if it is not a package."""
    metadata = _read_metadata(folder / "metadata.json", folder.name)
    return PackageInfo(name=folder.name, path=folder, from_code=str(metadata.get("from_code")),
                       to_code=str(metadata.get("to_code")), version=str(metadata.get("package_version", "")),
                       metadata=metadata)


def list_packages(data_dir: Path | None = None) -> list[PackageInfo]:
    """Every installed package (any languages), sorted by name. Folders without metadata are skipped."""
    root = packages_dir(data_dir)
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and (folder / "metadata.json").is_file():
            try:
                found.append(read_installed(folder))
            except ModelError:
                continue  # a half-removed package must not hide the others
    return found


def validate_package(path: Path) -> PackageInfo:
    """Check an ``.argosmodel`` archive without unpacking it.

    Raises ModelError (naming the file) when it is not a readable zip, when an
    entry would land outside the packages folder (absolute path, ``..``, a
    symlink), when ``metadata.json``, ``model/`` or ``sentencepiece.model`` is
    missing, or when it does not translate zh -> en.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelError("no such package file", path)
    if not zipfile.is_zipfile(path):
        raise ModelError("not an Argos package (not a zip archive)", path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            bad = zf.testzip()
            if bad is not None:
                raise ModelError(f"archive is corrupt (bad CRC in {bad})", path)
            names = []
            for info in infos:
                name = info.filename
                parts = PurePosixPath(name.replace("\\", "/")).parts
                if name.startswith(("/", "\\")) or (parts and parts[0].endswith(":")) or ".." in parts:
                    raise ModelError(f"unsafe entry {name!r} would be written outside the packages folder", path)
                if stat.S_ISLNK(info.external_attr >> 16):
                    raise ModelError(f"unsafe entry {name!r} is a symbolic link", path)
                names.append("/".join(parts))
            tops = {n.split("/")[0] for n in names if n}
            if len(tops) != 1:
                raise ModelError("a package must hold exactly one top-level folder", path)
            top = tops.pop()
            if f"{top}/metadata.json" not in names:
                raise ModelError(f"missing {top}/metadata.json", path)
            if not any(n.startswith(f"{top}/model/") and n.endswith("model.bin") for n in names):
                raise ModelError(f"missing the CTranslate2 model {top}/model/model.bin", path)
            if f"{top}/sentencepiece.model" not in names:
                raise ModelError(f"missing {top}/sentencepiece.model", path)
            try:
                metadata = json.loads(zf.read(f"{top}/metadata.json").decode("utf-8"))
            except ValueError as e:
                raise ModelError(f"metadata.json is not valid JSON: {e}", path) from None
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise ModelError(f"archive is corrupt: {e}", path) from None
    if not isinstance(metadata, dict):
        raise ModelError("metadata.json is not a JSON object", path)
    info = PackageInfo(name=top, path=None, from_code=str(metadata.get("from_code")),
                       to_code=str(metadata.get("to_code")), version=str(metadata.get("package_version", "")),
                       metadata=metadata)
    if not info.is_zh_en:
        raise ModelError(f"package translates {info.from_code} -> {info.to_code}; this tool needs "
                         f"{REQUIRED_FROM} -> {REQUIRED_TO}", path)
    return info


def install_package(path_or_name: str, data_dir: Path | None = None, *, allow_download: bool = True) -> PackageInfo:
    """Install from a local ``.argosmodel`` path, or by name from the Argos index.

    A name (anything that is not an existing file and does not end in
    ``.argosmodel``) is looked up in the Argos index: one network attempt
    with a timeout, and a one-line ModelError when offline.
    """
    candidate = Path(path_or_name)
    if candidate.is_file() or path_or_name.endswith(".argosmodel"):
        return _install_archive(candidate, data_dir)
    if not allow_download:
        raise ModelError("no such package file", path_or_name)
    downloaded = download_from_index(path_or_name)
    try:
        return _install_archive(downloaded, data_dir)
    finally:
        downloaded.unlink(missing_ok=True)


def _install_archive(archive: Path, data_dir: Path | None) -> PackageInfo:
    info = validate_package(archive)
    root = packages_dir(data_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ModelError(f"cannot create the packages folder: {e.strerror or e}", root) from None
    target = root / info.name
    if target.exists():  # a re-install replaces the old copy instead of mixing files
        shutil.rmtree(target)
    from argostranslate import package as argos_package
    from argostranslate import settings as argos_settings

    # argostranslate fixed its folder at import time; point it at ours for this call.
    previous = argos_settings.package_data_dir
    argos_settings.package_data_dir = root
    try:
        argos_package.install_from_path(archive)
    except Exception as e:  # argostranslate raises bare Exceptions
        raise ModelError(f"argostranslate could not install the package: {e}", archive) from None
    finally:
        argos_settings.package_data_dir = previous
    return read_installed(target)


def remove_package(name: str, data_dir: Path | None = None) -> PackageInfo:
    """Remove an installed package by folder name (or by ``from_to`` code pair, e.g. ``zh_en``)."""
    matches = [p for p in list_packages(data_dir) if p.name == name or f"{p.from_code}_{p.to_code}" == name]
    if not matches:
        raise ModelError(f"no installed package named {name!r} (see `bilingual model list`)",
                         packages_dir(data_dir))
    if len(matches) > 1:
        raise ModelError(f"{name!r} names {len(matches)} packages; give the folder name: "
                         + ", ".join(p.name for p in matches), packages_dir(data_dir))
    info = matches[0]
    # argostranslate's uninstall is this rmtree plus clearing the language cache of its
    # translate module, whose import (Stanza, spaCy) costs seconds; we never use that cache.
    try:
        shutil.rmtree(info.path)
    except OSError as e:
        raise ModelError(f"could not remove the package: {e.strerror or e}", info.path) from None
    return info


def download_from_index(name: str, timeout: float = INDEX_TIMEOUT_S) -> Path:
    """Fetch the Argos index once and download the package called ``name`` (``zh_en``, ``translate-zh_en``).

    Never loops: argostranslate's ``get_available_packages`` retries forever
    when the index cannot be fetched, so we read the index ourselves, once,
    with a timeout.
    """
    import tempfile
    import urllib.request

    try:
        with urllib.request.urlopen(INDEX_URL, timeout=timeout) as response:
            index = json.loads(response.read().decode("utf-8"))
    except Exception as e:  # offline, DNS blocked, timeout, bad JSON: all one answer
        raise ModelError(f"cannot reach the Argos package index ({type(e).__name__}: {e}); "
                         "install from a downloaded .argosmodel file instead", INDEX_URL) from None
    wanted = name.removeprefix("translate-").replace("-", "_")  # zh-en, zh_en, translate-zh_en
    for entry in index if isinstance(index, list) else []:
        code = f"{entry.get('from_code')}_{entry.get('to_code')}"
        if wanted in (code, entry.get("code")):
            links = entry.get("links") or []
            break
    else:
        raise ModelError(f"the Argos index has no package {name!r}", INDEX_URL)
    fd, tmp = tempfile.mkstemp(suffix=".argosmodel")
    os.close(fd)
    for link in links[:1]:  # one attempt at the first mirror, never a loop
        try:
            with urllib.request.urlopen(link, timeout=timeout) as response, open(tmp, "wb") as out:
                shutil.copyfileobj(response, out)
            return Path(tmp)
        except Exception as e:
            Path(tmp).unlink(missing_ok=True)
            raise ModelError(f"download failed ({type(e).__name__}: {e})", link) from None
    raise ModelError(f"the Argos index lists no download link for {name!r}", INDEX_URL)
