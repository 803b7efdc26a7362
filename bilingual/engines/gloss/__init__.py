"""The dictionary gloss engine (see ``engine``), split by job: CC-CEDICT sense choice (``cedict``),
the curated lexicon (``lexicon``), numbers and dates (``numbers``), English assembly (``english``)."""

from .engine import GlossEngine

__all__ = ["GlossEngine"]
