"""The signature of an edition: what made its English, so a run can be reproduced and resumed.

As sacrebleu stamps its scores, every edition records the engine (name, model, version),
the glossary's version, the tool's version, the options that change the English (place,
sentence splitting), the write options and the source's hash. ``Signature`` owns these
fields and their formatting: the JSON form, the one-line colophon text, the flat
properties of TMX/XLIFF headers, and the model part of the translation-memory key.
It is built in one place, ``bilingual.pipeline``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

from . import __version__
from .errors import InputError

TOOL = "bilingual"


@dataclass(frozen=True)
class Signature:
    engine: str = ""  # gloss | argos | llm | align | ... (what produced the English)
    model: str = ""  # the model's name (a package, a dictionary, a server's model)
    version: str = ""  # the model's or the rules' version
    glossary: str = ""  # the glossary's content hash ("" when none was used)
    tool: str = __version__  # this tool's version, bare ("0.1.0")
    options: str = ""  # options that change the English ("place=Hengyang;semicolons")
    write: str = ""  # write options that show in the files ("side-by-side/A4/serif")
    source_sha256: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)  # e.g. the aligned English file

    # -- forms ----------------------------------------------------------------

    def to_dict(self) -> dict[str, str]:
        """The JSON form: only the fields that are set; ``tool`` as "bilingual 0.1.0"."""
        d = {k: v for k, v in asdict(self).items() if k != "extra" and v}
        d["tool"] = f"{TOOL} {self.tool}"
        d.update({k: v for k, v in self.extra.items() if v and k not in d})
        return d

    @classmethod
    def from_dict(cls, d) -> "Signature | None":
        """Read a stored signature (older forms too: ``tool`` with or without the name). None for None.

        Raises InputError when it is not a mapping of strings.
        """
        if d is None:
            return None
        if not isinstance(d, dict):
            raise InputError(f"signature must be an object, not {type(d).__name__}")
        known = {f.name for f in fields(cls)} - {"extra"}
        values, extra = {}, {}
        for key, value in d.items():
            if value is None:
                continue
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                raise InputError(f"signature field {key!r} must be text, not {type(value).__name__}")
            (values if key in known else extra)[str(key)] = str(value)
        tool = values.get("tool", "")
        values["tool"] = tool.removeprefix(f"{TOOL} ").strip() if tool else ""
        return cls(**values, extra=extra)

    def with_(self, **changes) -> "Signature":
        return replace(self, **changes)

    # -- uses -----------------------------------------------------------------

    @property
    def model_id(self) -> str:
        """Model name and version: the model part of the translation-memory key."""
        return " ".join(p for p in (self.model, self.version) if p)

    def describe(self) -> str:
        """One line for a colophon: "engine gloss (CC-CEDICT ... 0.1.0+ab) · glossary 1a2b · bilingual 0.1.0"."""
        parts = []
        if self.engine:
            parts.append(f"engine {self.engine}" + (f" ({self.model_id})" if self.model_id else ""))
        if self.glossary:
            parts.append(f"glossary {self.glossary}")
        parts.append(f"{TOOL} {self.tool or __version__}")
        return " \u00b7 ".join(parts)

    def props(self) -> dict[str, str]:
        """Flat ``x-`` properties for TMX and XLIFF headers."""
        return {f"x-{k}": v for k, v in self.to_dict().items()}
