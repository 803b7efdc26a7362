"""Chinese numerals read, English numbers written: one parser for every stage and engine."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
# A character class matching any character of a Chinese numeral.
CN_NUMERAL = "[零〇一二两三四五六七八九十百千万亿]"
# Scale words after Arabic digits (130亿, 1.5万): their factors.
SCALES = {"": 1, "十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000, "万亿": 10**12,
          "百万": 1_000_000, "千万": 10_000_000, "十万": 100_000, "百亿": 10**10, "千亿": 10**11}

_SPELLED = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
_ORDINAL_WORDS = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]


def chinese_numeral_value(text: str) -> int | None:
    """Value of a Chinese numeral: 十 -> 10, 二十三 -> 23, 一百零五 -> 105, 三万 -> 30000, 二〇二三 -> 2023.

    None when ``text`` is empty or holds a character that is not part of a numeral.
    """
    if not text or any(ch not in CN_DIGITS and ch not in CN_UNITS and ch not in CN_BIG for ch in text):
        return None
    if all(ch in CN_DIGITS for ch in text) and len(text) > 1:  # digit by digit: 二〇二三
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            section += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
        else:
            section += digit or 0
            total += (section or 1) * CN_BIG[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def ordinal_suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def ordinal(n: int) -> str:
    """1 -> "first" ... 9 -> "ninth", 10 -> "10th", 23 -> "23rd" (newspaper style)."""
    if 0 < n < 10:
        return _ORDINAL_WORDS[n]
    return f"{n}{ordinal_suffix(n)}"


def cardinal(n: int) -> str:
    """Small counts spelled out (three years), larger ones in digits with separators."""
    return _SPELLED[n] if 0 <= n <= 10 else f"{n:,}"


def scaled_number(digits: str, scale: str) -> str:
    """"130" + "亿" -> "13 billion"; "1.5" + "万" -> "15,000"; "3" + "" -> "3" (digits kept as written)."""
    factor = SCALES[scale]
    if factor == 1:
        return digits
    try:
        value = Decimal(digits.replace(",", "")) * factor
    except InvalidOperation:
        return digits
    for size, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
        if value >= size:
            amount = (value / size).normalize()
            return f"{amount:f} {word}"
    value = value.normalize()
    return f"{int(value):,}" if value == value.to_integral_value() else f"{value:f}"
