"""WeasyPrint's C libraries are found from one ``ldconfig -p`` listing, as ctypes would find them."""

from __future__ import annotations

import ctypes.util
import sys

import pytest

from bilingual.write import weasy

# Every name WeasyPrint's ffi module tries on Linux, before and after the one that is found.
NAMES = ["libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", "libpango-1.0-0", "pango-1.0", "libharfbuzz-0",
         "harfbuzz", "harfbuzz-subset", "libfontconfig-1", "fontconfig", "pangoft2-1.0", "c", "m",
         "no-such-library-anywhere"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldconfig is Linux's")
def test_the_quick_search_answers_as_ctypes_does():
    assert weasy._ldconfig_sonames(), "ldconfig -p listed nothing"
    assert [weasy.find_library(n) for n in NAMES] == [ctypes.util.find_library(n) for n in NAMES]


def test_without_a_listing_ctypes_searches_as_usual(monkeypatch):
    monkeypatch.setattr(weasy, "_ldconfig_sonames", lambda: None)
    assert weasy.find_library("c", fallback=lambda name: f"asked ctypes for {name}") == "asked ctypes for c"


def test_weasyprint_loads_and_the_search_is_put_back():
    original = ctypes.util.find_library
    assert weasy.load().HTML
    assert ctypes.util.find_library is original
