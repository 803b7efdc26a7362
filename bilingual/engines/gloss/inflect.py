"""English word forms for the gloss engine's transfer rules: past tense, past participle, -ing form
and plural of the head word of a short English phrase ("attend" -> "attended", "hold talks" ->
"held talks", "team member" -> "team members").

Only the first word of a verb phrase and the last word of a noun phrase change; a word that is
not plainly a verb or a countable noun is left as it is (a gloss may stay unidiomatic, never wrong
in a new way).
"""

from __future__ import annotations

import re

# Irregular verbs that official news uses: base -> (past, past participle).
IRREGULAR_VERBS = {
    "be": ("was", "been"), "is": ("was", "been"), "are": ("were", "been"), "have": ("had", "had"),
    "has": ("had", "had"), "do": ("did", "done"), "go": ("went", "gone"), "come": ("came", "come"),
    "make": ("made", "made"), "take": ("took", "taken"), "give": ("gave", "given"), "get": ("got", "got"),
    "hold": ("held", "held"), "lead": ("led", "led"), "meet": ("met", "met"), "see": ("saw", "seen"),
    "say": ("said", "said"), "tell": ("told", "told"), "speak": ("spoke", "spoken"), "hear": ("heard", "heard"),
    "find": ("found", "found"), "build": ("built", "built"), "set": ("set", "set"), "put": ("put", "put"),
    "bring": ("brought", "brought"), "buy": ("bought", "bought"), "think": ("thought", "thought"),
    "seek": ("sought", "sought"), "teach": ("taught", "taught"), "catch": ("caught", "caught"),
    "win": ("won", "won"), "run": ("ran", "run"), "begin": ("began", "begun"), "grow": ("grew", "grown"),
    "know": ("knew", "known"), "show": ("showed", "shown"), "write": ("wrote", "written"),
    "drive": ("drove", "driven"), "rise": ("rose", "risen"), "choose": ("chose", "chosen"),
    "keep": ("kept", "kept"), "leave": ("left", "left"), "feel": ("felt", "felt"), "send": ("sent", "sent"),
    "spend": ("spent", "spent"), "lend": ("lent", "lent"), "pay": ("paid", "paid"), "lay": ("laid", "laid"),
    "sell": ("sold", "sold"), "stand": ("stood", "stood"), "understand": ("understood", "understood"),
    "undertake": ("undertook", "undertaken"), "overcome": ("overcame", "overcome"), "become": ("became", "become"),
    "forgo": ("forwent", "forgone"), "draw": ("drew", "drawn"), "fall": ("fell", "fallen"), "cut": ("cut", "cut"),
    "hit": ("hit", "hit"), "let": ("let", "let"), "shut": ("shut", "shut"), "read": ("read", "read"),
    "strike": ("struck", "struck"), "stick": ("stuck", "stuck"), "swim": ("swam", "swum"), "sing": ("sang", "sung"),
    "break": ("broke", "broken"), "wear": ("wore", "worn"), "bear": ("bore", "borne"),
    "light": ("lit", "lit"), "mean": ("meant", "meant"), "deal": ("dealt", "dealt"), "fight": ("fought", "fought"),
    "forgive": ("forgave", "forgiven"), "withdraw": ("withdrew", "withdrawn"),
    "oversee": ("oversaw", "overseen"), "uphold": ("upheld", "upheld"), "foresee": ("foresaw", "foreseen"),
}
# Words a gloss uses as verbs that are not verbs, or whose form must not change.
_NOT_VERBS = {"must", "should", "can", "will", "may", "would", "could", "shall", "not", "no", "also", "all",
              "further", "continuously", "jointly", "fully", "actively", "the", "a", "an", "more", "most", "very",
              "and", "or", "of", "to", "in", "on", "at", "for", "with", "by", "from", "as", "than", "about", "over",
              "under", "through", "during", "since", "after", "before", "when", "each", "every", "this", "that",
              "these", "those", "its", "our", "their", "his", "her", "we", "they", "he", "she", "it", "i", "you",
              "new", "good", "high", "key", "main", "major", "important", "relevant", "current", "same", "other"}
_VOWELS = "aeiou"
_FORMS = {form for forms in IRREGULAR_VERBS.values() for form in forms} - set(IRREGULAR_VERBS)
# Nouns that do not take -s, or whose plural is irregular.
UNCOUNTABLE = {"work", "information", "equipment", "news", "progress", "research", "development", "safety",
               "security", "support", "guidance", "leadership", "management", "governance", "construction",
               "protection", "education", "training", "health", "energy", "water", "power", "land", "staff",
               "personnel", "police", "people", "cattle", "poultry", "livestock", "rice", "grain", "wheat",
               "corn", "money", "funding", "investment", "advice", "evidence", "knowledge", "traffic", "transport",
               "infrastructure", "software", "hardware", "machinery", "furniture", "feedback", "welfare",
               "employment", "unemployment", "agriculture", "industry", "tourism", "culture", "economy",
               "finance", "trade", "supervision", "inspection", "implementation", "cooperation", "mu", "yuan",
               "km", "kg", "kw", "percent", "sheep", "fish", "deer", "series", "species", "means",
               "aircraft", "media", "data", "cadres", "masses", "the people", "youth", "public"}
IRREGULAR_PLURALS = {"person": "people", "child": "children", "man": "men", "woman": "women", "foot": "feet",
                     "tooth": "teeth", "mouse": "mice", "leaf": "leaves", "life": "lives", "wife": "wives",
                     "shelf": "shelves", "half": "halves", "analysis": "analyses", "crisis": "crises",
                     "basis": "bases", "thesis": "theses", "phenomenon": "phenomena", "criterion": "criteria",
                     "medium": "media", "datum": "data", "staff member": "staff members", "chief": "chiefs",
                     "roof": "roofs", "proof": "proofs", "belief": "beliefs", "safe": "safes"}
_WORD = re.compile(r"[A-Za-z]+$")
_NOUN_SUFFIXES = ("tion", "sion", "ment", "ness", "ity", "ance", "ence", "ship", "ism", "ous", "ful", "ical", "ary",
                  "ory", "ics", "ist", "ian")
_VERBS_LIKE_NOUNS = {"implement", "supplement", "complement", "comment", "experiment", "document", "augment",
                     "cement", "segment", "mention", "question", "position", "function", "sanction", "vary",
                     "worry", "bury", "carry", "marry", "hurry", "commission", "condition", "station"}


def _double_final(word: str) -> bool:
    # "plan" -> "planned", "stop" -> "stopping": one syllable (or stressed last), consonant-vowel-consonant.
    return (len(word) >= 3 and word[-1] not in "aeiouwxy" and word[-2] in _VOWELS and word[-3] not in _VOWELS
            and (len(word) <= 4 or word.endswith(("fer", "mit", "pel", "gin", "cur", "bid"))) and
            word not in {"visit", "open", "offer", "limit", "benefit", "deliver", "listen", "happen", "focus",
                         "enter", "target", "budget", "travel", "model", "label", "signal", "total", "cancel",
                         "credit", "edit", "exhibit", "inhabit", "inherit", "audit", "deposit", "profit"})


def _regular_past(word: str) -> str:
    if word.endswith("e"):
        return word + "d"
    if word.endswith("y") and len(word) > 2 and word[-2] not in _VOWELS:
        return word[:-1] + "ied"
    if word.endswith("c") and word in {"panic", "picnic", "traffic", "mimic"}:
        return word + "ked"
    if _double_final(word):
        return word + word[-1] + "ed"
    return word + "ed"


def _verb_head(phrase: str) -> tuple[str, str] | None:
    """The first word of a verb phrase and the rest, or None when it does not look like a bare verb."""
    head, space, rest = phrase.partition(" ")
    low = head.lower()
    if not _WORD.match(head) or low in _NOT_VERBS or low in _FORMS or head[:1].isupper() or len(low) < 2:
        return None
    if low.endswith(_NOUN_SUFFIXES) and low not in _VERBS_LIKE_NOUNS:
        return None  # "preparation", "management": a noun the dictionary gave for a verb
    if low.endswith(("ed", "ing", "ly")) and low not in {"need", "feed", "bring", "exceed", "proceed", "succeed",
                                                          "apply", "supply", "rely", "reply", "comply", "sing"}:
        return None  # already a form ("held"), or an adverb ("fully")
    return low, space + rest


def past(phrase: str) -> str:
    """Past tense of a verb phrase: "attend" -> "attended", "hold talks" -> "held talks"."""
    parts = _verb_head(phrase)
    if parts is None:
        return phrase
    head, rest = parts
    form = IRREGULAR_VERBS[head][0] if head in IRREGULAR_VERBS else _regular_past(head)
    return form + rest


def participle(phrase: str) -> str:
    """Past participle of a verb phrase: "undertake" -> "undertaken", "name" -> "named"."""
    parts = _verb_head(phrase)
    if parts is None:
        return phrase
    head, rest = parts
    form = IRREGULAR_VERBS[head][1] if head in IRREGULAR_VERBS else _regular_past(head)
    return form + rest


def gerund(phrase: str) -> str:
    """-ing form of a verb phrase: "come from" -> "coming from", "plan" -> "planning"."""
    parts = _verb_head(phrase)
    if parts is None:
        return phrase
    head, rest = parts
    if head in {"be", "is", "are"}:
        form = "being"
    elif head.endswith("ie"):
        form = head[:-2] + "ying"
    elif head.endswith("e") and not head.endswith(("ee", "ye", "oe")) and len(head) > 2:
        form = head[:-1] + "ing"
    elif _double_final(head):
        form = head + head[-1] + "ing"
    else:
        form = head + "ing"
    return form + rest


def plural(phrase: str) -> str:
    """Plural of a noun phrase's last word: "team member" -> "team members"; uncountables unchanged."""
    if not phrase or phrase.lower() in UNCOUNTABLE or phrase in IRREGULAR_PLURALS.values():
        return phrase
    if phrase.lower() in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[phrase.lower()]
    head, space, last = phrase.rpartition(" ")
    low = last.lower()
    if not _WORD.match(last) or last.isupper() or low in UNCOUNTABLE or len(low) < 3:
        return phrase
    if low in IRREGULAR_PLURALS:
        form = IRREGULAR_PLURALS[low]
    elif low.endswith(("s", "x", "z", "ch", "sh")):
        if low.endswith(("ss", "x", "z", "ch", "sh")):
            form = last + "es"
        else:
            return phrase  # "facilities", "means": already plural or unchanged
    elif low.endswith("y") and low[-2] not in _VOWELS:
        form = last[:-1] + "ies"
    elif low.endswith(("ing", "ness", "ism", "ship")) and low not in {"building", "meeting", "painting",
                                                                          "finding", "earning", "saving",
                                                                          "listing", "setting", "opening"}:
        return phrase  # "training", "awareness": mass nouns
    else:
        form = last + "s"
    return head + space + form
