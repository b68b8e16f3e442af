"""More training sentences about the scope of negation: verbs of liking, double negation, distance.

``augment`` teaches what one negator does to one polar word or copula predicate. Three things it
does not show, each a known failure of sentence-trained classifiers (Socher et al. 2013,
arXiv:1306.6236 §5.2; Wiegand et al. 2010, "A survey on the role of negation in sentiment
analysis"; Ribeiro et al. 2020, arXiv:2005.04118, CheckList's negation tests):

1. ``verb_sentences`` — the sentiment sits in a verb of liking / disliking with a subject and an
   object: "<subject> <verb> <object>" keeps the verb's sign, a negated auxiliary or a negative
   subject ("nobody") flips it.
2. ``double_negations`` — two negations cancel: a negating frame ("i would not say", "it is not
   true that") around a negated predicate or verb keeps the word's sign; the same frame around the
   plain predicate flips it (so the frame itself is learnt as a negation). Plus the litotes
   "not without <word>" / "never fails to <word>": the word's sign.
3. ``with_neutral_clause`` — a neutral clause cut from a training sentence (no lexicon word with
   |mean| ≥ 0.5, no negation) before or after a rule-built item: the label does not move, so the
   negation has to be remembered across unrelated words.

Labels follow the VADER lexicon's sign of the content word (Hutto & Gilbert 2014). The word lists
below are function words and verbs of liking, written from grammar, not from any test sentence; the
hand-written test pairs (tests/data/sentiment_minimal_pairs.tsv) are never read here.
"""
from __future__ import annotations

import random

from rnnviz.train.augment import copula_openings, is_negated, polar_words, predicate_words, words

# verbs whose sign is the lexicon's (the base form is what follows an auxiliary)
LIKING_VERBS = ["like", "love", "enjoy", "admire", "adore", "appreciate", "recommend", "hate",
                "dislike", "despise", "loathe", "regret", "resent"]
SUBJECTS = ["i", "we", "you", "my friends", "the audience", "critics", "everyone", "my family"]
NEGATIVE_SUBJECTS = ["nobody", "no one", "none of us", "not one of us"]
OBJECTS = ["it", "this", "this film", "this movie", "the film", "the movie", "the picture",
           "the story", "the show", "this one"]
AFFIRMED_AUX = ["", "really", "truly", "did", "do", "will", "would", "could only", "still"]
NEGATED_AUX = ["did not", "didn't", "do not", "don't", "never", "will not", "won't", "could not",
               "couldn't", "would never", "cannot", "can't", "never really", "did not really"]
# a frame that negates what follows it
NEGATING_FRAMES = ["i would not say", "i wouldn't say", "i can't say", "i cannot say", "nobody would say",
                   "no one could claim", "it is not true that", "it's not true that", "i don't think",
                   "i do not believe", "i won't pretend", "it would be wrong to say", "nobody can say"]
LITOTES = ["not without", "never fails to", "not lacking in", "never short of", "not devoid of"]


def verb_sentences(lexicon: dict[str, float], rng: random.Random, n: int):
    """n sentences "<subject> [aux] <verb> <object>": label = the verb's sign, flipped when the
    auxiliary is negated or the subject is negative ("nobody")."""
    verbs = [v for v in LIKING_VERBS if v in lexicon]
    out = []
    for k in range(n):
        verb = rng.choice(verbs)
        label = int(lexicon[verb] > 0)
        negated = k % 2 == 1
        if negated and rng.random() < 0.3:
            subject, aux = rng.choice(NEGATIVE_SUBJECTS), rng.choice(["will", "could", "would", "did", ""])
        else:
            subject, aux = rng.choice(SUBJECTS), rng.choice(NEGATED_AUX if negated else AFFIRMED_AUX)
        text = " ".join(t for t in (subject, aux, verb, rng.choice(OBJECTS)) if t)
        out.append((text, 1 - label if negated else label))
    return out


def double_negations(rows, lexicon: dict[str, float], rng: random.Random, n: int):
    """n items, in turn: frame + negated predicate (two negations: the adjective's sign), frame +
    plain predicate (one: flipped), frame + negated verb sentence (the verb's sign), litotes."""
    polar = polar_words(lexicon, 1.0)
    adjectives = sorted(w for w in predicate_words(rows) if w in polar and abs(polar[w]) >= 1.5)
    strong = sorted(polar_words(lexicon, 1.5))
    openings = copula_openings(rows, polar)
    verbs = [v for v in LIKING_VERBS if v in lexicon]
    out = []
    for k in range(n):
        frame, form = rng.choice(NEGATING_FRAMES), k % 4
        if form in (0, 1):
            word = rng.choice(adjectives)
            sign = int(polar[word] > 0)
            middle = ["not"] if form == 0 else []
            out.append((" ".join([frame, *rng.choice(openings), *middle, word]), sign if form == 0 else 1 - sign))
        elif form == 2:
            verb = rng.choice(verbs)
            aux = rng.choice(NEGATED_AUX)
            out.append((f"{frame} {rng.choice(SUBJECTS)} {aux} {verb} {rng.choice(OBJECTS)}",
                        int(lexicon[verb] > 0)))
        else:
            word = rng.choice(strong)
            out.append((f"{rng.choice(LITOTES)} {word}", int(polar[word] > 0)))
    return out


def neutral_clauses(rows, lexicon: dict[str, float], min_tokens: int = 3, max_tokens: int = 10) -> list[str]:
    """Comma-separated pieces of training sentences with no lexicon word (|mean| ≥ 0.5), no
    negation and no contrast word: filler that carries no sentiment."""
    mild = polar_words(lexicon, 0.5)
    out = set()
    for text, _ in rows:
        piece = []
        for t in words(text) + [","]:
            if t in {",", ".", ";", "!", "?", ":"}:
                if min_tokens <= len(piece) <= max_tokens and not is_negated(piece) and \
                        not any(w in mild or w in {"but", "yet", "although", "though"} for w in piece):
                    out.add(" ".join(piece))
                piece = []
            else:
                piece.append(t)
    return sorted(out)


def with_neutral_clause(items, clauses: list[str], rng: random.Random, share: float):
    """A copy of ``share`` of the items with a neutral clause before or after; labels kept."""
    out = []
    for text, label in items:
        if rng.random() < share:
            clause = rng.choice(clauses)
            text = f"{clause} , {text}" if rng.random() < 0.5 else f"{text} , {clause}"
            out.append((text, label))
    return out
