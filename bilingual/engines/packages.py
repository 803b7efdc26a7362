"""Argos model packages: validate, install, list and remove ``.argosmodel`` files; download them.

A package is a zip of one folder holding ``metadata.json``, a CTranslate2
model in ``model/`` and ``sentencepiece.model``. We check every archive and
unpack it ourselves, through a temporary folder (argostranslate's install
would unpack anything, in place, and imports its translate module: seconds of
spaCy and torch), and we never use argostranslate to translate.

Where packages live: ``<data_dir>/packages`` when a data dir is given,
otherwise where argostranslate keeps them (``$ARGOS_PACKAGES_DIR``, else
``$XDG_DATA_HOME/argos-translate/packages``), so packages installed with
``argospm`` are found too. argostranslate reads that location once, when
``argostranslate.settings`` is first imported; we compute it on every call,
so a changed environment (tests set ``ARGOS_PACKAGES_DIR`` per test) is
honoured.

Downloads (``bilingual model install zh_en``) read the Argos index once (its folder URL as
argostranslate takes it from ``ARGOS_PACKAGE_INDEX``, a URL or path of an ``index.json``,
so an air-gapped mirror on a USB stick works too), then try every link of the package in
turn: each with a timeout, a progress callback, an optional sha256 pin, and checks that
what came back is whole and is a zip (a captive portal answers with a web page). Errors
name the URL, never a temporary file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import ModelError

REQUIRED_FROM = "zh"
REQUIRED_TO = "en"
# argostranslate's default index folder; ARGOS_PACKAGE_INDEX (read by the CLI) or --index replaces it.
DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
INDEX_ENV = "ARGOS_PACKAGE_INDEX"
INDEX_TIMEOUT_S = 15  # per connection attempt and per read; offline it fails fast and says so
ZIP_MAGIC = b"PK\x03\x04"


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
    """Every installed package (any languages), sorted by name. Folders without metadata are skipped, and so are
    hidden ones (an install's temporary ``.name.part``, a replaced ``.name.old`` that a crash left)."""
    root = packages_dir(data_dir)
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and not folder.name.startswith(".") and (folder / "metadata.json").is_file():
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


def install_package(path_or_name: str, data_dir: Path | None = None, *, allow_download: bool = True,
                    index: str | None = None, sha256: str | None = None, progress=None) -> PackageInfo:
    """Install from a local ``.argosmodel`` file or unzipped package folder, or by name from the Argos index.

    A name (anything that is not an existing file or folder and does not end in ``.argosmodel``)
    is looked up in the index at ``index`` (default: argostranslate's); see ``download_package``.
    ``sha256`` pins the archive's hash (a local file's too).
    """
    candidate = Path(path_or_name)
    if candidate.is_dir():
        return install_folder(candidate, data_dir)
    if candidate.is_file() or path_or_name.endswith(".argosmodel"):
        if sha256 is not None and candidate.is_file():
            check_sha256(candidate, sha256)
        return _install_archive(candidate, data_dir)
    if not allow_download:
        raise ModelError("no such package file", path_or_name)
    entry, index_url = find_in_index(path_or_name, index)
    with tempfile.TemporaryDirectory(prefix="bilingual-download-") as tmp:
        archive, url = download_package(entry, index_url, Path(tmp), sha256=sha256, progress=progress)
        try:
            return _install_archive(archive, data_dir)
        except ModelError as e:  # name what the user can act on: the URL, not our temporary file
            raise ModelError(f"the downloaded package is not usable: {e.message}", url) from None


def check_sha256(path: Path, expected: str) -> None:
    """ModelError naming ``path`` unless its sha256 is ``expected`` (hex, any case)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected.strip().lower():
        raise ModelError(f"sha256 is {digest.hexdigest()}, not the pinned {expected.strip().lower()}", path)


def read_package_folder(folder: Path) -> PackageInfo:
    """Check an unzipped package folder as ``validate_package`` checks an archive (ModelError naming it)."""
    folder = Path(folder)
    if not (folder / "metadata.json").is_file():
        raise ModelError("not an Argos package folder (no metadata.json)", folder)
    if not (folder / "model" / "model.bin").is_file():
        raise ModelError("missing the CTranslate2 model model/model.bin", folder)
    if not (folder / "sentencepiece.model").is_file():
        bpe = (folder / "bpe.model").exists()
        hint = " (packages with a BPE tokenizer, bpe.model, are not supported)" if bpe else ""
        raise ModelError(f"missing sentencepiece.model{hint}", folder)
    info = read_installed(folder)
    if not info.is_zh_en:
        raise ModelError(f"package translates {info.from_code} -> {info.to_code}; this tool needs "
                         f"{REQUIRED_FROM} -> {REQUIRED_TO}", folder)
    return info


def install_folder(folder: Path, data_dir: Path | None = None) -> PackageInfo:
    """Install an unzipped package folder (copied; a re-install replaces the old copy)."""
    folder = Path(folder).resolve()
    read_package_folder(folder)
    root = packages_dir(data_dir)
    target = root / folder.name
    if target.resolve() == folder:
        return read_installed(target)  # already installed there
    copy_folder(folder, target)
    return read_installed(target)


def copy_folder(folder: Path, target: Path) -> None:
    """Copy ``folder`` to ``target`` through a temporary name, so a failed copy leaves no half model."""
    partial = target.parent / f".{target.name}.part"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if partial.exists():
            shutil.rmtree(partial)
        shutil.copytree(folder, partial, symlinks=False)
        put_in_place(partial, target)
    except OSError as e:
        shutil.rmtree(partial, ignore_errors=True)
        raise ModelError(f"cannot copy the model: {e.strerror or e}", target) from None


def put_in_place(whole: Path, target: Path) -> None:
    """Rename the whole folder ``whole`` to ``target``. An installed ``target`` is moved aside first and removed
    only once the new one is in place (a failed rename puts it back): a re-install never leaves neither."""
    old = target.parent / f".{target.name}.old"
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    try:
        whole.rename(target)
    except OSError:
        if old.exists():
            old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _install_archive(archive: Path, data_dir: Path | None) -> PackageInfo:
    """Unpack a checked archive into a temporary folder beside the packages, check what was unpacked as a folder
    install is checked, then put it in place: a failed or interrupted install leaves the old package (if any)
    and no half one. argostranslate's ``install_from_path`` is this unpacking without the checks, plus clearing a
    cache of its translate module, whose import (spaCy, torch) costs seconds; we never use that module."""
    info = validate_package(archive)
    root = packages_dir(data_dir)
    target = root / info.name
    partial = root / f".{info.name}.part"
    try:
        root.mkdir(parents=True, exist_ok=True)
        if partial.exists():
            shutil.rmtree(partial)
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(partial)  # validate_package refused entries that leave the folder, and links
        read_package_folder(partial / info.name)
        put_in_place(partial / info.name, target)
    except ModelError as e:  # what was unpacked is not what the archive's names promised
        raise ModelError(f"the unpacked package is not usable: {e.message}", archive) from None
    except OSError as e:
        raise ModelError(f"cannot install the package: {e.strerror or e}", target) from None
    except (zipfile.BadZipFile, EOFError) as e:  # changed since it was checked
        raise ModelError(f"archive is corrupt: {e}", archive) from None
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return read_installed(target)


def package_name_of(value: str) -> str:
    """The code a package name stands for: ``translate-zh_en``, ``zh-en``, ``zh_en`` -> ``zh_en``."""
    return value.removeprefix("translate-").replace("-", "_")


def remove_package(name: str, data_dir: Path | None = None) -> PackageInfo:
    """Remove an installed package by folder name (or by ``from_to`` code pair: ``zh_en``, ``zh-en``)."""
    code = package_name_of(name)
    matches = [p for p in list_packages(data_dir) if p.name == name or f"{p.from_code}_{p.to_code}" == code]
    if not matches:
        raise ModelError(f"no installed package named {name!r} (see `bilingual model list`)",
                         packages_dir(data_dir))
    if len(matches) > 1:
        raise ModelError(f"{name!r} names {len(matches)} packages; give the folder name: "
                         + ", ".join(p.name for p in matches), packages_dir(data_dir))
    return remove_folder(matches[0])


def remove_folder(info: PackageInfo) -> PackageInfo:
    # argostranslate's uninstall is this rmtree plus clearing the language cache of its
    # translate module, whose import (Stanza, spaCy) costs seconds; we never use that cache.
    try:
        shutil.rmtree(info.path)
    except OSError as e:
        raise ModelError(f"could not remove the package: {e.strerror or e}", info.path) from None
    return info


# -- the index and downloads ------------------------------------------------------------------


def index_url(index: str | None = None) -> str:
    """The URL of ``index.json`` for ``index`` (None: argostranslate's default).

    As argostranslate reads ``ARGOS_PACKAGE_INDEX``: a folder URL gets ``index.json``
    appended; a URL or path ending in ``.json`` is taken as is; a local path becomes a
    ``file:`` URL (an index on a USB stick, with links relative to it).
    """
    value = (index or DEFAULT_INDEX).strip()
    if "://" not in value:  # a local path
        path = Path(value).expanduser().resolve()
        return path.as_uri() if value.endswith(".json") else path.as_uri() + "/index.json"
    if value.endswith(".json"):
        return value
    return value if value.endswith("/index.json") else value.rstrip("/") + "/index.json"


def find_in_index(name: str, index: str | None = None, timeout: float = INDEX_TIMEOUT_S) -> tuple[dict, str]:
    """The index entry of package ``name`` (``zh_en``, ``zh-en``, ``translate-zh_en``) and the index's URL.

    Never loops: argostranslate's ``get_available_packages`` retries forever when the
    index cannot be fetched, so we read the index ourselves, once, with a timeout.
    """
    url = index_url(index)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            entries = json.loads(response.read().decode("utf-8"))
    except Exception as e:  # offline, DNS blocked, timeout, bad JSON: all one answer
        raise ModelError(f"cannot reach the Argos package index ({type(e).__name__}: {e}); "
                         "install from a downloaded .argosmodel file instead", url) from None
    wanted = package_name_of(name)
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and wanted in (f"{entry.get('from_code')}_{entry.get('to_code')}",
                                                  entry.get("code")):
            return entry, url
    raise ModelError(f"the Argos index has no package {name!r}", url)


class _LinkFailed(Exception):
    pass


def download_package(entry: dict, index: str, folder: Path, *, sha256: str | None = None, progress=None,
                     timeout: float = INDEX_TIMEOUT_S) -> tuple[Path, str]:
    """Download the package of an index entry into ``folder``: each of its links in turn until one works.

    Returns the archive's path and the URL it came from. ``progress(done_bytes, total_bytes
    or None, url)`` is called as bytes arrive. A link fails when it cannot be reached, times
    out, stops early (fewer bytes than announced), answers with something that is not a zip
    (a captive portal's web page), or does not match ``sha256``. When every link fails the
    ModelError lists each URL with its reason.
    """
    links = [urllib.parse.urljoin(index, str(link)) for link in entry.get("links") or []]
    if not links:
        raise ModelError(f"the Argos index lists no download link for {entry.get('code') or entry.get('from_code')!r}",
                         index)
    failures = []
    for n, url in enumerate(links):
        target = folder / f"download-{n}.argosmodel"
        try:
            _fetch(url, target, sha256=sha256, progress=progress, timeout=timeout)
            return target, url
        except _LinkFailed as e:
            target.unlink(missing_ok=True)
            failures.append(f"{url}: {e}")
    if len(failures) == 1:
        raise ModelError(f"download failed: {failures[0].split(': ', 1)[1]}", links[0])
    raise ModelError(f"download failed from every link ({'; '.join(failures)})", index)


def _fetch(url: str, target: Path, *, sha256: str | None, progress, timeout: float) -> None:
    """One link to ``target``, checked (see ``download_package``); _LinkFailed with a short reason."""
    import http.client

    from .. import __version__

    request = urllib.request.Request(url, headers={"User-Agent": f"bilingual/{__version__}"})
    digest = hashlib.sha256()
    done, head = 0, b""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, open(target, "wb") as out:
            length = response.headers.get("Content-Length") if response.headers else None
            total = int(length) if length and length.isdigit() else None
            content_type = (response.headers.get("Content-Type") or "") if response.headers else ""
            if progress:
                progress(0, total, url)
            while True:
                block = response.read(1 << 16)
                if not block:
                    break
                if len(head) < 512:
                    head += block[:512 - len(head)]
                out.write(block)
                digest.update(block)
                done += len(block)
                if progress:
                    progress(done, total, url)
    except urllib.error.HTTPError as e:
        raise _LinkFailed(f"HTTP {e.code} {e.reason}") from None
    except http.client.IncompleteRead as e:
        received = done + len(e.partial or b"")
        more = f", {e.expected} more announced" if e.expected else ""
        raise _LinkFailed(f"the download stopped early ({received} bytes received{more})") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
        reason = getattr(e, "reason", None) or e
        raise _LinkFailed(f"{type(e).__name__}: {reason}"
                          + (f" after {done} bytes" if done else "")) from None
    if total is not None and done < total:
        raise _LinkFailed(f"the download stopped early ({done} of {total} bytes)")
    if not head.startswith(ZIP_MAGIC):
        looks_html = b"<html" in head.lower() or b"<!doctype" in head.lower() or "html" in content_type
        if looks_html:
            raise _LinkFailed(f"the server answered with a web page ({content_type or 'HTML'}), not a package: "
                              "a captive portal or a login page? Open the URL in a browser, or download the "
                              "file elsewhere and install it from disk")
        raise _LinkFailed(f"what came back is not a package (not a zip archive; {done} bytes)")
    if sha256 is not None and digest.hexdigest() != sha256.strip().lower():
        raise _LinkFailed(f"sha256 is {digest.hexdigest()}, not the pinned {sha256.strip().lower()}")
