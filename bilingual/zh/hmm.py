"""jieba's part-of-speech HMM, decoded over the transitions that exist.

jieba.posseg reads a run of characters its dictionary does not know (a rare name, random text) with a Viterbi
decoder over 256 states (BMES x tag) that, for each character, compares every state with every earlier state:
about 26,000 steps a character, 25 ms for twenty rare characters. Only 5,218 of the 65,536 transitions exist
(a state has 20 on average, 93 have none); a missing one scores minus infinity and never wins where a real one
exists. ``viterbi`` walks the real ones only, with jieba's arithmetic (earlier score + transition + emission, added
in that order) and jieba's tie rule (the greater earlier state), so it returns exactly jieba's
``(probability, route)``; where no earlier state has any transition it leaves the input to jieba's own decoder.
``tests/test_words.py`` compares the two on random and real text.
"""

from __future__ import annotations

from functools import lru_cache

MIN_FLOAT = -3.14e100  # jieba.posseg.viterbi's score of an emission it has not seen


def viterbi(obs: str, states: dict, start_p: dict, trans_p: dict, emit_p: dict) -> tuple[float, list]:
    """``jieba.posseg.viterbi.viterbi(obs, states, start_p, trans_p, emit_p)``, the same result, faster."""
    all_states = trans_p.keys()
    first = obs[0]
    scores = {y: start_p[y] + emit_p[y].get(first, MIN_FLOAT) for y in states.get(first, all_states)}
    paths: list[dict] = [dict.fromkeys(scores, "")]
    for char in obs[1:]:
        earlier = [x for x in scores if trans_p[x]]
        expected = {y for x in earlier for y in trans_p[x]}
        if not expected:  # no transition at all: every score is minus infinity, as jieba decides it
            from jieba.posseg.viterbi import viterbi as jieba_viterbi

            return jieba_viterbi(obs, states, start_p, trans_p, emit_p)
        now = set(states.get(char, all_states)) & expected or expected
        emission = {y: emit_p[y].get(char, MIN_FLOAT) for y in now}
        best: dict = {}
        for y0 in earlier:
            score0 = scores[y0]
            for y, transition in trans_p[y0].items():
                e = emission.get(y)
                if e is None:
                    continue
                score = score0 + transition + e
                held = best.get(y)
                if held is None or score > held[0] or (score == held[0] and y0 > held[1]):
                    best[y] = (score, y0)
        scores = {y: score for y, (score, _) in best.items()}
        paths.append({y: y0 for y, (_, y0) in best.items()})
    prob, state = max((scores[y], y) for y in paths[-1])
    route: list = [None] * len(obs)
    for i in range(len(obs) - 1, -1, -1):
        route[i] = state
        state = paths[i][state]
    return prob, route


@lru_cache(maxsize=1)
def tokenizer_class(posseg):
    """``posseg.POSTokenizer`` decoding unknown runs with ``viterbi`` (otherwise jieba's own code, unchanged)."""

    class POSTokenizer(posseg.POSTokenizer):
        def _POSTokenizer__cut(self, sentence):  # jieba's ``__cut``, with this module's decoder
            _, pos_list = viterbi(sentence, posseg.char_state_tab_P, posseg.start_P, posseg.trans_P,
                                  posseg.emit_P)
            begin, nexti = 0, 0
            for i, char in enumerate(sentence):
                pos = pos_list[i][0]
                if pos == "B":
                    begin = i
                elif pos == "E":
                    yield posseg.pair(sentence[begin:i + 1], pos_list[i][1])
                    nexti = i + 1
                elif pos == "S":
                    yield posseg.pair(char, pos_list[i][1])
                    nexti = i + 1
            if nexti < len(sentence):
                yield posseg.pair(sentence[nexti:], pos_list[nexti][1])

    return POSTokenizer
