"""Extra training sentences for the sentiment models: word labels, negation and contrast.

~8,000 rated movie sentences teach which words are positive, but rarely what "not" or "but" does
to them (Socher et al. 2013, arXiv:1306.6236 §5.2: models trained on whole sentences only get
negated sentences wrong). So the training set is extended by rules, applied only to the TRAINING
split and to the VADER lexicon (Hutto & Gilbert 2014: ~7,500 words, each rated −4..4 by ten
people; |mean| ≥ 1 taken as a word-level label):

1. ``lexicon_items``  — every clearly polar word alone, with its sign; plus the same word after an
   intensifier ("really dull" keeps the label: an intensifier is not a negation).
2. ``negated_words``  — a strongly polar word (|mean| ≥ 1.5) after a negator ("not", "never",
   "hardly", "isn't", ...; optionally "far from", "nothing", "without", ...): the label flips,
   as in VADER's own negation rule.
3. ``negated_sentences`` — a training sentence whose sentiment sits in "<copula> [intensifier]
   <polar word>" ("the acting is superb ."): "not" inserted after the copula, or the word swapped
   for a random opposite-polarity lexicon word seen after copulas; the label flips. Only sentences whose polar words all
   agree with their label are used, so the flip is the only change.
4. ``predicate_sentences`` — the opening of a training sentence up to its copula ("the
   performances in this remake are") + [negation] + a polar adjective: composition in context.
5. ``contrasts``      — two training clauses of opposite labels joined by a contrastive
   connective ("A , but B", "although A , B", "B , even though A"): the label is the main
   clause's (B) — what the connective signals.

The hand-written test pairs (tests/data/sentiment_minimal_pairs.tsv) are never read here: the
rules were written from the training data and the lexicon, and a test checks that no test
sentence occurs in what they build.
"""
from __future__ import annotations

import random

from rnnviz.models.text import tokenize

COPULAS = {"is", "was", "are", "were", "seems", "seemed", "feels", "felt", "looks",
           "looked", "remains", "becomes", "became", "'s"}
NEGATIONS = {"not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "hardly",
             "barely", "without", "cannot", "rarely", "seldom", "nowhere", "lack", "lacks"}
NEGATORS = ["not", "never", "hardly", "not very", "not really", "not so", "isn't", "wasn't",
            "aren't", "never really", "not exactly", "barely", "don't", "didn't", "doesn't",
            "won't", "can't", "couldn't", "wouldn't", "did not", "do not", "does not", "no longer"]
# downtoners and words of absence negate too (VADER's negation list has most of them); used beside
# NEGATORS when a recipe sets "downtoners" (not the shipped models' recipe)
DOWNTONERS = ["far from", "anything but", "scarcely", "in no way", "by no means", "nowhere near",
              "less than", "not remotely", "nothing", "no", "none of it was", "there is nothing",
              "never once", "without"]
AFFIRMERS = ["is", "was", "are", "always", "really", "did", "does", "do", "will", "can", "still"]
CONTRACTED = {"is": "isn't", "was": "wasn't", "are": "aren't", "were": "weren't"}
CLAUSE_ENDS = {".", ",", "!", "?", ";", ":", "-", "and", "but", "yet", "..."}
INTENSIFIERS = ["very", "really", "truly", "so", "quite", "extremely", "remarkably", "utterly"]
CONNECTIVES = ["{a} , but {b}", "{a} but {b}", "although {a} , {b}", "{b} , although {a}",
               "{a} , yet {b}", "even though {a} , {b}", "{b} , even though {a}", "{a} ; still , {b}",
               "though {a} , {b}", "{a} ; however , {b}"]


def words(text: str) -> list[str]:
    return [w.lower() for w in tokenize(text, "word")]


def is_negated(tokens: list[str]) -> bool:
    return any(t in NEGATIONS or t.endswith("n't") for t in tokens)


def polar_words(lexicon: dict[str, float], min_abs: float) -> dict[str, float]:
    """Single alphabetic words of the lexicon with |mean rating| ≥ min_abs (call ``usable_lexicon``
    first to drop the chat acronyms)."""
    return {w: r for w, r in lexicon.items()
            if abs(r) >= min_abs and w.isalpha() and words(w) == [w] and w not in NEGATIONS}


def usable_lexicon(lexicon: dict[str, float], corpus_words: set[str]) -> dict[str, float]:
    """The lexicon without its chat acronyms ("aas", "lylas", ...): words that occur in the training
    sentences, or alphabetic words of six letters or more."""
    return {w: r for w, r in lexicon.items() if w in corpus_words or (len(w) >= 6 and w.isalpha())}


def predicate_words(rows) -> set[str]:
    """Words seen at least twice right after a copula (optionally after an intensifier): adjectives
    and the like, so an antonym swap stays grammatical."""
    seen: dict[str, int] = {}
    for text, _ in rows:
        toks = words(text)
        for i in range(len(toks) - 1):
            if toks[i] in COPULAS:
                j = i + 2 if toks[i + 1] in INTENSIFIERS and i + 2 < len(toks) else i + 1
                seen[toks[j]] = seen.get(toks[j], 0) + 1
    return {w for w, c in seen.items() if c >= 2}


def lexicon_items(lexicon: dict[str, float], rng: random.Random, min_abs: float = 1.0):
    out = []
    for w, r in sorted(polar_words(lexicon, min_abs).items()):
        out.append((w, int(r > 0)))
        out.append((f"{rng.choice(INTENSIFIERS + AFFIRMERS)} {w}", int(r > 0)))
    return out


def negated_words(lexicon: dict[str, float], rng: random.Random, min_abs: float = 1.5, per_word: int = 3,
                  negators: list[str] = NEGATORS):
    out = []
    for w, r in sorted(polar_words(lexicon, min_abs).items()):
        for neg in rng.sample(negators, per_word):
            out.append((f"{neg} {w}", int(r < 0)))
    return out


def negated_sentences(rows, lexicon: dict[str, float], rng: random.Random, min_abs: float = 1.5,
                      max_tokens: int = 20):
    """For short sentences with one polar word (|mean| ≥ 1) that is strong (≥ min_abs), agrees with
    the label and follows a copula: the negated and the antonym-swapped version, label flipped."""
    polar, weak = polar_words(lexicon, min_abs), polar_words(lexicon, 1.0)
    adjectives = predicate_words(rows)
    by_sign = {s: sorted(w for w, r in polar.items() if (r > 0) == s and w in adjectives)
               for s in (True, False)}
    out = []
    for text, label in rows:
        toks = words(text)
        if len(toks) > max_tokens or is_negated(toks):
            continue
        signs = [polar[t] > 0 for t in toks if t in polar]
        if len(signs) != 1 or signs[0] != bool(label) or sum(t in weak for t in toks) != 1:
            continue
        for i in range(len(toks) - 1):
            j = i + 2 if toks[i + 1] in INTENSIFIERS and i + 2 < len(toks) else i + 1
            if toks[i] in COPULAS and toks[j] in polar:
                out.append((" ".join(toks[:i + 1] + ["not"] + toks[i + 1:]), 1 - label))
                if j + 1 == len(toks) or toks[j + 1] in CLAUSE_ENDS:   # a predicate adjective
                    swapped = rng.choice(by_sign[not bool(label)])
                    out.append((" ".join(toks[:j] + [swapped] + toks[j + 1:]), 1 - label))
                break
    return out


def copula_openings(rows, polar: dict[str, float], min_prefix: int = 2, max_prefix: int = 9):
    """Openings of training sentences up to their first copula, free of polar and negation words."""
    openings = set()
    for text, _ in rows:
        toks = words(text)
        for i in range(min_prefix - 1, min(max_prefix, len(toks))):
            if toks[i] in COPULAS and toks[i] != "'s":
                if not is_negated(toks[:i]) and not any(t in polar for t in toks[:i]):
                    openings.add(tuple(toks[:i + 1]))
                break
    return sorted(openings)


def predicate_sentences(rows, lexicon: dict[str, float], rng: random.Random, n: int,
                        min_prefix: int = 5, max_prefix: int = 9):
    """n sentences "<opening of a training sentence, up to its copula> [negation] [intensifier]
    <polar adjective> ." — the opening (min_prefix..max_prefix words, no polar or negation word)
    comes from real training sentences, the adjective from the lexicon words seen after copulas.
    Half are negated ("not", "never", "hardly", or the contracted copula "isn't"): label flipped."""
    polar = polar_words(lexicon, 1.0)
    adjectives = sorted(w for w in predicate_words(rows) if w in polar and abs(polar[w]) >= 1.5)
    openings = copula_openings(rows, polar, min_prefix, max_prefix)
    out = []
    for k in range(n):
        opening, word = list(rng.choice(openings)), rng.choice(adjectives)
        label = int(polar[word] > 0)
        middle = [rng.choice(INTENSIFIERS)] if rng.random() < 0.3 else []
        if k % 2:
            if opening[-1] in CONTRACTED and rng.random() < 0.4:
                opening[-1] = CONTRACTED[opening[-1]]
            else:
                opening.append(rng.choice(["not", "never", "hardly", "not", "not"]))
            label = 1 - label
        out.append((" ".join(opening + middle + [word, "."]), label))
    return out


def clause(text: str) -> str:
    """Lower-cased tokens without the final punctuation, ready to be joined to another clause."""
    toks = words(text)
    while toks and toks[-1] in {".", "!", "?", "...", ";"}:
        toks.pop()
    return " ".join(toks)


def contrasts(rows, lexicon: dict[str, float], rng: random.Random, n: int, max_tokens: int = 14):
    """n sentences "A <contrast> B" with A and B of opposite labels; the label is B's. Half join
    two short training sentences, half two polar lexicon words."""
    short = [(clause(t), y) for t, y in rows if 2 <= len(words(t)) <= max_tokens]
    by_label = {y: [c for c, yy in short if yy == y and c] for y in (0, 1)}
    strong = polar_words(lexicon, 1.5)
    word_by_label = {y: sorted(w for w, r in strong.items() if (r > 0) == bool(y)) for y in (0, 1)}
    out = []
    for k in range(n):
        b_label = rng.randrange(2)
        pool = by_label if k % 2 == 0 else word_by_label
        a, b = rng.choice(pool[1 - b_label]), rng.choice(pool[b_label])
        out.append((rng.choice(CONNECTIVES).format(a=a, b=b), b_label))
    return out
