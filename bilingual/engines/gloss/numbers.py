"""Numbers, dates and ordinals for the gloss engine: 8月17日 -> "August 17", 130亿元 -> "13 billion
yuan", 第十批 -> "10th batch". The numerals themselves are read by ``bilingual.zh.numerals``."""

from __future__ import annotations

import re

from ...zh.numerals import chinese_numeral_value, ordinal, scaled_number

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]

# Measure words after a number: their English (empty: just the number).
MEASURES = {
    "名": "", "个": "", "位": "", "家": "", "项": "", "件": "", "所": "", "座": "", "条": "", "台": "",
    "批": "batches", "次": "times", "届": "", "人": "people", "人次": "person-times", "户": "households",
    "岁": "years old", "倍": "times", "天": "days", "个月": "months", "年": "years", "周": "weeks",
    "小时": "hours", "分钟": "minutes", "秒": "seconds", "元": "yuan", "美元": "US dollars",
    "公里": "km", "千米": "km", "米": "meters", "平方米": "square meters", "平方公里": "square km",
    "亩": "mu", "吨": "tonnes", "公斤": "kg", "千克": "kg", "克": "grams", "千瓦": "kW", "万千瓦": "",
    "度": "degrees", "个百分点": "percentage points", "章": "chapters", "篇": "articles", "场": "sessions",
    "期": "issues", "季度": "quarters", "辆": "vehicles", "套": "sets", "棵": "trees", "株": "plants", "块": "pieces",
    "起": "", "处": "", "例": "cases", "宗": "", "栋": "buildings",
}
# Measure words that make a bare Chinese numeral an ordinal: 十四届 "14th", 一季度 "first quarter".
ORDINAL_AFTER = {"届": "", "季度": "quarter"}
# Measure words after 第N: "第十批" -> "10th batch"; empty: just the ordinal.
ORDINAL_MEASURES = {"批": "batch", "届": "", "次": "", "个": "", "期": "phase", "轮": "round", "名": "place",
                    "位": "", "季度": "quarter", "天": "day", "条": "article", "章": "chapter", "项": "item",
                    "年": "year", "号": "No.", "部分": "part", "阶段": "stage", "站": "stop", "代": "generation",
                    "种": "kind", "产业": "industry", "步": "step", "页": "page", "版": "edition", "": ""}


MONTH_PARTS = {"底": "end of {}", "末": "end of {}", "初": "early {}", "上旬": "early {}", "中旬": "mid-{}",
               "中": "mid-{}", "下旬": "late {}"}


def month_day(month: str, day: str | None = None, day_end: str | None = None) -> str | None:
    m = int(month)
    if not 1 <= m <= 12:
        return None
    text = MONTHS[m - 1]
    if day:
        text += f" {int(day)}"
        if day_end:
            text += f"-{int(day_end)}"
    return text


NUM = r"\d+(?:[.,]\d+)*"
DASH = r"[—–\-~至到]{1,2}"
SCALE = "万亿|百亿|千亿|百万|千万|十万|亿|万|千"
MEASURE_ALTERNATION = "|".join(sorted((re.escape(m) for m in MEASURES), key=len, reverse=True))
ORDINAL_ALTERNATION = "|".join(sorted((re.escape(m) for m in ORDINAL_MEASURES if m), key=len, reverse=True))

def amount_english(match: re.Match) -> str:
    number = scaled_number(match["amount_n"], match["amount_s"] or "")
    measure = MEASURES.get(match["amount_m"] or "", "")
    if match["amount_pct"]:
        measure = "%"
    text = f"{number}%" if measure == "%" else " ".join(p for p in (number, measure) if p)
    if match["amount_more"]:
        text = "more than " + text
    return text


def amount_value(match: re.Match) -> float | None:
    """The number an amount match stands for (its scale applied), or None if it does not parse."""
    try:
        value = float(match["amount_n"].replace(",", ""))
    except ValueError:
        return None
    return value * SCALE_VALUES.get(match["amount_s"] or "", 1)


SCALE_VALUES = {"万亿": 1e12, "百亿": 1e10, "千亿": 1e11, "百万": 1e6, "千万": 1e7, "十万": 1e5, "亿": 1e8, "万": 1e4,
                "千": 1e3}


def ordinal_english(match: re.Match) -> str:
    raw = match["ord_n"]
    n = int(raw) if raw.isdigit() else chinese_numeral_value(raw)
    if n is None:
        return raw
    measure = ORDINAL_MEASURES.get(match["ord_m"] or "", "")
    if measure == "No.":
        return f"No. {n}"
    return " ".join(p for p in (ordinal(n), measure) if p)
