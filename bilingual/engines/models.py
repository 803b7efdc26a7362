"""CTranslate2 models on disk: what kind a folder is, where installed models live, install, list, remove.

Kinds (each is also the engine name recorded on the segments it translates):

``argos``    an Argos Translate package: ``metadata.json``, ``model/`` (CTranslate2),
             ``sentencepiece.model``; optional ``target_prefix`` in its metadata.
``opus-mt``  an OPUS-MT (Marian) model converted to CTranslate2: ``model.bin`` with
             ``source.spm`` and ``target.spm`` beside it; languages from its
             ``tokenizer_config.json`` or the folder's name (``opus-mt-zh-en``).
``nllb``     NLLB-200 converted to CTranslate2: ``model.bin``, one SentencePiece model
             (``sentencepiece.bpe.model``), language tokens ``zho_Hans`` -> ``eng_Latn``.
``m2m100``   M2M-100 likewise, language tokens ``__zh__`` -> ``__en__``.

Argos packages live where argostranslate keeps them (``bilingual.engines.packages``);
the other kinds in ``<data_dir>/models/<name>`` (default: this tool's data folder), each
with a ``bilingual-model.json`` written at install (its kind, languages, a content stamp
used as the version, where it came from).
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..config import default_data_dir
from ..errors import ModelError
from .packages import (
    REQUIRED_FROM,
    REQUIRED_TO,
    ZIP_MAGIC,
    PackageInfo,
    check_sha256,
    copy_folder,
    install_folder,
    install_package,
    list_packages,
    package_name_of,
    packages_dir,
    read_package_folder,
    remove_folder,
    validate_package,
)

KINDS = ("argos", "opus-mt", "nllb", "m2m100")
MANIFEST = "bilingual-model.json"
SENTENCEPIECE_NAMES = ("sentencepiece.bpe.model", "sentencepiece.model", "spm.model", "spm.128k.model",
                       "tokenizer.model")
# Language tokens of the many-to-many models: (source token, target token) for zh -> en.
LANGUAGE_TOKENS = {"nllb": ("zho_Hans", "eng_Latn"), "m2m100": ("__zh__", "__en__")}
_LANGUAGE_CODES = {"zh": "zh", "zho": "zh", "cmn": "zh", "chi": "zh", "zh_cn": "zh", "zho_hans": "zh",
                   "en": "en", "eng": "en", "en_us": "en", "eng_latn": "en"}
WHAT_IS_SUPPORTED = ("expected an Argos package (metadata.json, model/, sentencepiece.model), an OPUS-MT/Marian "
                     "CTranslate2 folder (model.bin, source.spm, target.spm) or an NLLB-200/M2M-100 CTranslate2 "
                     "folder (model.bin, sentencepiece.bpe.model)")


@dataclass(frozen=True)
class ModelInfo:
    """A recognised model folder: everything the neural engine needs to load and drive it."""

    name: str
    kind: str  # one of KINDS
    path: Path  # the folder (installed or not)
    from_code: str
    to_code: str
    version: str
    model_dir: Path  # the CTranslate2 folder (an Argos package's model/)
    source_spm: Path
    target_spm: Path
    source_prefix: tuple[str, ...] = ()  # tokens before the pieces (NLLB: zho_Hans; a multi-target OPUS-MT: >>eng<<)
    source_suffix: tuple[str, ...] = ()  # tokens after them ("</s>" where the tokenizer appends it)
    target_prefix: tuple[str, ...] = ()  # forced first target tokens (NLLB: eng_Latn), stripped from the output
    metadata: dict = field(default_factory=dict, compare=False)

    @property
    def is_zh_en(self) -> bool:
        return self.from_code == REQUIRED_FROM and self.to_code == REQUIRED_TO

    @property
    def languages(self) -> str:
        return f"{self.from_code}->{self.to_code}"

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())


def models_dir(data_dir: Path | None = None) -> Path:
    """Where non-Argos models are installed: ``<data_dir>/models`` (default: this tool's data folder)."""
    return Path(data_dir if data_dir is not None else default_data_dir()) / "models"


# -- recognising a folder ---------------------------------------------------------------------


def read_vocabularies(model_dir: Path) -> tuple[set[str], set[str]]:
    """The CTranslate2 folder's source and target vocabularies (shared or separate, .json or .txt)."""

    def load(stem: str) -> set[str] | None:
        for suffix in (".json", ".txt"):
            path = model_dir / f"{stem}{suffix}"
            if path.is_file():
                try:
                    text = path.read_text(encoding="utf-8")
                    return set(json.loads(text) if suffix == ".json" else text.splitlines())
                except (OSError, ValueError) as e:
                    raise ModelError(f"unreadable vocabulary: {e}", path) from None
        return None

    shared = load("shared_vocabulary")
    if shared is not None:
        return shared, shared
    source, target = load("source_vocabulary"), load("target_vocabulary")
    if source is None or target is None:
        raise ModelError("no vocabulary beside model.bin (shared_vocabulary or source_/target_vocabulary)",
                         model_dir)
    return source, target


def _language(code) -> str | None:
    """A language code as this tool writes it: zh and en for their usual spellings, others as given."""
    if not code:
        return None
    code = str(code).lower().replace("-", "_")
    return _LANGUAGE_CODES.get(code, code)


def _opus_languages(folder: Path, name: str) -> tuple[str, str]:
    config = folder / "tokenizer_config.json"
    if config.is_file():
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        source, target = _language(data.get("source_lang")), _language(data.get("target_lang"))
        if source and target:
            return source, target
    match = re.search(r"(?:^|[-_])([a-z]{2,3})[-_]([a-z]{2,3})$", name.lower())
    if match:
        return _language(match[1]), _language(match[2])
    raise ModelError("cannot tell this OPUS-MT model's languages: keep its tokenizer_config.json, or name the "
                     "folder after them (opus-mt-zh-en)", folder)


def _manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _stamp(model_bin: Path) -> str:
    """A version for a model without one: size and modification time of model.bin (install writes a hash)."""
    st = model_bin.stat()
    return f"{st.st_size}-{int(st.st_mtime)}"


def recognise(folder: Path) -> ModelInfo:
    """What model ``folder`` holds; ModelError naming it when it is none this tool can run."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelError("no such model folder", folder)
    if (folder / "metadata.json").is_file():
        package = read_package_folder(folder)
        return from_package(package)
    model_bin = folder / "model.bin"
    if not model_bin.is_file():
        raise ModelError(f"not a model this tool can run: {WHAT_IS_SUPPORTED}", folder)
    manifest = _manifest(folder)
    name = str(manifest.get("name") or folder.name)
    version = str(manifest.get("version") or _stamp(model_bin))
    source_vocab, target_vocab = read_vocabularies(folder)
    for kind, (src, tgt) in LANGUAGE_TOKENS.items():
        if src in source_vocab and tgt in target_vocab:
            spm = next((folder / n for n in SENTENCEPIECE_NAMES if (folder / n).is_file()), None)
            if spm is None:
                raise ModelError(f"a {kind} model needs its SentencePiece model beside model.bin "
                                 f"({' or '.join(SENTENCEPIECE_NAMES[:2])})", folder)
            return ModelInfo(name=name, kind=kind, path=folder, from_code="zh", to_code="en", version=version,
                             model_dir=folder, source_spm=spm, target_spm=spm, source_prefix=(src,),
                             source_suffix=("</s>",), target_prefix=(tgt,), metadata=manifest)
    if (folder / "source.spm").is_file() and (folder / "target.spm").is_file():
        from_code, to_code = _opus_languages(folder, name)
        prefix = (">>eng<<",) if ">>eng<<" in source_vocab else ()  # multi-target models name the target
        return ModelInfo(name=name, kind="opus-mt", path=folder, from_code=from_code, to_code=to_code,
                         version=version, model_dir=folder, source_spm=folder / "source.spm",
                         target_spm=folder / "target.spm", source_prefix=prefix, source_suffix=("</s>",),
                         metadata=manifest)
    if any(t.startswith("__") and t.endswith("__") for t in source_vocab if len(t) <= 8) or any(
            re.fullmatch(r"[a-z]{3}_[A-Z][a-z]{3}", t) for t in source_vocab):
        raise ModelError("a many-to-many model without zh -> en language tokens (zho_Hans/eng_Latn or "
                         "__zh__/__en__)", folder)
    raise ModelError(f"not a model this tool can run: {WHAT_IS_SUPPORTED}", folder)


def from_package(package: PackageInfo) -> ModelInfo:
    """The ModelInfo of an installed or unzipped Argos package folder."""
    prefix = package.metadata.get("target_prefix") or ""
    return ModelInfo(name=package.name, kind="argos", path=package.path, from_code=package.from_code,
                     to_code=package.to_code, version=package.version, model_dir=package.path / "model",
                     source_spm=package.path / "sentencepiece.model", target_spm=package.path / "sentencepiece.model",
                     target_prefix=(prefix,) if prefix else (), metadata=package.metadata)


# -- installed models ---------------------------------------------------------------------------


def list_models(data_dir: Path | None = None) -> list[ModelInfo]:
    """Every installed model this tool can run (Argos packages of any languages, then the others), by name."""
    found = []
    for package in list_packages(data_dir):
        if (package.path / "model" / "model.bin").is_file() and (package.path / "sentencepiece.model").is_file():
            found.append(from_package(package))
    root = models_dir(data_dir)
    if root.is_dir():
        for folder in sorted(root.iterdir()):
            if folder.is_dir() and not folder.name.startswith("."):
                try:
                    found.append(recognise(folder))
                except ModelError:
                    continue  # a half-removed or foreign folder must not hide the others
    return found


def _version_key(info: ModelInfo):
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(info.version), info.name)
    except InvalidVersion:
        return (0, info.version, info.name)


def find_model(data_dir: Path | None = None, kind: str | None = None, name: str | None = None) -> ModelInfo | None:
    """The zh->en model to use: the one called ``name``, else the newest of ``kind``, else of the first kind
    (in ``KINDS`` order) that has one. None when there is none."""
    usable = [m for m in list_models(data_dir) if m.is_zh_en]
    if name is not None:
        usable = [m for m in usable if m.name == name]
    if kind is not None:
        usable = [m for m in usable if m.kind == kind]
    for k in KINDS:
        of_kind = [m for m in usable if m.kind == k]
        if of_kind:
            return max(of_kind, key=_version_key)
    return None


def content_version(model_bin: Path) -> str:
    """A short sha256 of model.bin: the version of a model that has none (changes when the weights do)."""
    digest = hashlib.sha256()
    with open(model_bin, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


def install_model(source: str, data_dir: Path | None = None, *, index: str | None = None,
                  sha256: str | None = None, progress=None, allow_download: bool = True) -> ModelInfo:
    """Install what ``source`` names: an ``.argosmodel`` (or zip) file, a model folder, or an Argos index name.

    Folders and zips are recognised (``recognise``) and must translate zh -> en; Argos packages go
    where argostranslate keeps them, the others to ``models_dir``. Nothing is half-installed: copies
    go through a temporary name.
    """
    path = Path(source)
    if path.is_dir():
        info = recognise(path)
        return _install_recognised(info, data_dir, origin=str(path.resolve()))
    if path.is_file():
        if sha256 is not None:
            check_sha256(path, sha256)
        if _is_argos_archive(path):
            return from_package(install_package(str(path), data_dir))
        return _install_zip(path, data_dir)
    if path.suffix in (".argosmodel", ".zip") or "/" in source or "\\" in source:
        raise ModelError("no such model file or folder", source)
    if not allow_download:
        raise ModelError("no such model file or folder", source)
    return from_package(install_package(source, data_dir, index=index, sha256=sha256, progress=progress))


def _is_argos_archive(path: Path) -> bool:
    """An .argosmodel, or a zip whose one top folder holds metadata.json (validate_package checks the rest)."""
    if path.suffix == ".argosmodel":
        return True
    try:
        with open(path, "rb") as f:
            if f.read(4) != ZIP_MAGIC:
                return path.suffix != ".zip"  # let validate_package give its "not a zip" error
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.strip("/")]
    except (OSError, zipfile.BadZipFile):
        return True
    tops = {n.split("/")[0] for n in names}
    return len(tops) == 1 and f"{next(iter(tops))}/metadata.json" in names


def _install_recognised(info: ModelInfo, data_dir: Path | None, origin: str) -> ModelInfo:
    if not info.is_zh_en:
        raise ModelError(f"model translates {info.from_code} -> {info.to_code}; this tool needs "
                         f"{REQUIRED_FROM} -> {REQUIRED_TO}", info.path)
    if info.kind == "argos":
        return from_package(install_folder(info.path, data_dir))
    target = models_dir(data_dir) / info.name
    if target.resolve() != info.path.resolve():
        copy_folder(info.path, target)
    manifest = {"name": info.name, "kind": info.kind, "from_code": info.from_code, "to_code": info.to_code,
                "version": content_version(target / "model.bin"), "source": origin,
                "installed": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    try:
        (target / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    except OSError as e:
        raise ModelError(f"cannot write {MANIFEST}: {e.strerror or e}", target) from None
    return recognise(target)


def _install_zip(path: Path, data_dir: Path | None) -> ModelInfo:
    """A zip holding one model folder (or a model's files at its top level): checked, unpacked, installed."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            for member in infos:
                parts = PurePosixPath(member.filename.replace("\\", "/")).parts
                if member.filename.startswith(("/", "\\")) or ".." in parts or (parts and parts[0].endswith(":")):
                    raise ModelError(f"unsafe entry {member.filename!r} would be written outside the models folder",
                                     path)
                if (member.external_attr >> 16) & 0o170000 == 0o120000:
                    raise ModelError(f"unsafe entry {member.filename!r} is a symbolic link", path)
            if zf.testzip() is not None:
                raise ModelError("archive is corrupt (bad CRC)", path)
            root = models_dir(data_dir)
            root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(prefix=".unpack-", dir=root) as tmp:
                unpacked = Path(tmp) / path.stem
                zf.extractall(unpacked)
                tops = [p for p in unpacked.iterdir() if not p.name.startswith("__MACOSX")]
                # One folder inside: the model is that folder; files at the top: named after the archive.
                folder = tops[0] if len(tops) == 1 and tops[0].is_dir() else unpacked
                return _install_recognised(recognise(folder), data_dir, str(path.resolve()))
    except zipfile.BadZipFile as e:
        raise ModelError(f"not a model archive: {e}", path) from None
    except OSError as e:
        raise ModelError(f"cannot unpack the archive: {e.strerror or e}", path) from None


def remove_model(name: str, data_dir: Path | None = None) -> ModelInfo:
    """Remove an installed model named as ``install_model`` accepts it: its installed name, an Argos code
    pair (``zh_en``, ``zh-en``, ``translate-zh_en``), or the file or folder it was installed from."""
    installed = list_models(data_dir)
    wanted = {name}
    path = Path(name)
    if path.is_file() and _is_argos_archive(path):
        try:
            wanted.add(validate_package(path).name)
        except ModelError:
            pass
    elif path.is_dir():
        try:
            wanted.add(recognise(path).name)
        except ModelError:
            pass
    if path.suffix in (".argosmodel", ".zip") or "/" in name or "\\" in name:
        wanted.update({path.stem, path.name})
    matches = [m for m in installed if m.name in wanted]
    if not matches:  # an Argos index name, as `model install zh_en` takes it
        code = package_name_of(name)
        matches = [m for m in installed if m.kind == "argos" and f"{m.from_code}_{m.to_code}" == code]
    if not matches:
        raise ModelError(f"no installed model named {name!r} (see `bilingual model list`)",
                         packages_dir(data_dir))
    if len(matches) > 1:
        raise ModelError(f"{name!r} names {len(matches)} models; give the name: "
                         + ", ".join(m.name for m in matches), packages_dir(data_dir))
    info = matches[0]
    remove_folder(info)
    return info
