"""Writer: the per-edition quality report (``<out>/<stem>/report.json``) and its readable summary.

The report is what an editor opens first: how many segments carry each
quality flag, which segments they are, which glossary terms were missed,
which person names were found and which places were romanised by rule (for a
translator to confirm), and the
signature that makes the run reproducible.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..config import WriteOptions
from ..files import write_json_atomic
from ..model import FLAGS, Edition

REPORT_VERSION = 1


def build_report(edition: Edition) -> dict:
    """The report as a JSON-ready dict (see ``write_report``)."""
    segments = list(edition.segments())
    flag_counts = Counter(f for s in segments for f in s.flags)
    term_statuses = Counter(h.status for s in segments for h in s.terms)
    flagged = [{"id": s.id, "line": s.line, "flags": list(s.flags), "zh": s.zh, "en": s.en}
               for s in segments if s.flags]
    missed: dict[tuple[str, str], dict] = {}
    for s in segments:
        for hit in s.terms:
            if hit.status == "missed":
                entry = missed.setdefault((hit.zh, hit.en), {"zh": hit.zh, "en": hit.en, "type": hit.type,
                                                             "source": hit.source, "segments": []})
                entry["segments"].append(s.id)
    return {
        "report": REPORT_VERSION,
        "source": edition.source,
        "signature": edition.signature.to_dict() if edition.signature is not None else None,
        "segments": len(segments),
        "translated": sum(1 for s in segments if s.en),
        "flags": {f: flag_counts.get(f, 0) for f in FLAGS} | {f: n for f, n in flag_counts.items() if f not in FLAGS},
        "segments_flagged": len(flagged),
        "terms": dict(sorted(term_statuses.items())),
        "terms_missed": list(missed.values()),
        "names": edition.names,
        "places": edition.places,
        "warnings": [w.to_dict() for w in edition.warnings],
        "flagged": flagged,
    }


def write_report(edition: Edition, path: Path, options: WriteOptions | None = None) -> Path:
    """Write the report JSON to ``path`` (atomically) and return ``path``.

    Keys: ``signature``, ``segments``, ``flags`` (count per flag, every known
    flag present), ``segments_flagged``, ``terms`` (count per status),
    ``terms_missed`` (term, English, segments), ``names``, ``places`` (romanised by rule), ``warnings``,
    ``flagged`` (each flagged segment with its Chinese and English).
    """
    return write_json_atomic(path, build_report(edition))


def summarize_report(edition: Edition, max_lines: int = 5) -> str:
    """A few lines for a person: segments, flags, missed terms, names, signature."""
    report = build_report(edition)
    sig = edition.signature
    lines = [f"{edition.stem}: {report['segments']} segments, {report['segments_flagged']} flagged"
             + (f" ({' '.join(p for p in (sig.engine, sig.model_id) if p)})" if sig is not None else "")]
    counts = ", ".join(f"{flag} {n}" for flag, n in report["flags"].items() if n)
    if counts:
        lines.append(f"  flags: {counts}")
    if report["terms"]:
        lines.append("  terms: " + ", ".join(f"{status} {n}" for status, n in report["terms"].items()))
    missed = report["terms_missed"]
    if missed:
        shown = "; ".join(f"{m['zh']} -> {m['en']} (x{len(m['segments'])})" for m in missed[:max_lines])
        more = f" and {len(missed) - max_lines} more" if len(missed) > max_lines else ""
        lines.append(f"  missed terms: {shown}{more}")
    if report["names"]:
        names = [n.get("zh", "") + (f" {n['en']}" if n.get("en") else "") for n in report["names"][:max_lines]]
        more = f" and {len(report['names']) - max_lines} more" if len(report["names"]) > max_lines else ""
        lines.append("  names to confirm: " + ", ".join(names) + more)
    if report["places"]:
        places = [f"{p.get('zh', '')} {p.get('en', '')}".strip() for p in report["places"][:max_lines]]
        more = f" and {len(report['places']) - max_lines} more" if len(report["places"]) > max_lines else ""
        lines.append("  places to confirm: " + ", ".join(places) + more)
    return "\n".join(lines)
