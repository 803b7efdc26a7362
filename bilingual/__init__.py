"""bilingual: offline Chinese-to-English translation and bilingual publishing."""

__version__ = "0.1.0"
