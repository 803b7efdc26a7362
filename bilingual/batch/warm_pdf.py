"""Imported by the batch's fork server after ``warm`` when the batch writes a PDF (``PagePool``): WeasyPrint and
the page-number font, loaded once for every worker (about 0.4 s of CPU a worker), and not at all for a batch that
writes no PDF. Whatever fails here is left for the worker to load, and to report, itself."""

from __future__ import annotations

from .warm import freeze


def warm_pdf() -> None:
    try:
        from ..write import pdf_parts, weasy
        from ..write.common import ENGLISH_FONTS

        weasy.load()
        pdf_parts.stamp_font(ENGLISH_FONTS)
    except Exception:  # noqa: BLE001 - a worker loads what it needs itself, and says what went wrong
        pass


warm_pdf()
freeze()
