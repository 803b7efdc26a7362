"""Shared Chinese-text helpers, one job per module: ``script`` (which characters are Han, OpenCC),
``words`` (jieba set up once), ``numerals`` (Chinese numerals and English numbers), ``pinyin``
(romanising names and places). Everything above may import them; they import nothing of ours
but ``errors``."""
