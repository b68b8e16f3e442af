"""The rules that build the sentiment models' extra training items (rnnviz.train.augment) and the
length-bucketed batches: labels follow the rule, nothing else is invented. No data needed: a toy
lexicon and toy rated sentences stand in for VADER's."""
from __future__ import annotations

import random

from rnnviz.train import augment
from rnnviz.train.sentiment import length_batches

LEXICON = {"superb": 3.0, "dreadful": -2.5, "charming": 2.2, "tedious": -2.0, "nice": 1.2,
           "meh": -0.5, "lol": 2.9, "catastrophically": -2.6}
ROWS = [("The acting in this long film is superb .", 1), ("The plot of the sequel was tedious .", 0),
        ("The music of the first film is dreadful .", 0), ("Some scenes of the new version are charming .", 1),
        ("A superb , dreadful mess .", 0), ("It is not superb .", 0)]


def test_lexicon_words_keep_their_sign_and_negators_flip_it():
    rng = random.Random(0)
    items = augment.lexicon_items(LEXICON, rng, min_abs=1.0)
    assert ("superb", 1) in items and ("dreadful", 0) in items and not any("meh" in t for t, _ in items)
    for text, label in items:
        assert label == int(LEXICON[text.split()[-1]] > 0)
    negated = augment.negated_words(LEXICON, rng, min_abs=1.5, per_word=2)
    assert len(negated) == 2 * 6                       # 6 words with |mean| ≥ 1.5, two negators each
    for text, label in negated:
        assert text.rsplit(" ", 1)[0] in augment.NEGATORS
        assert label == int(LEXICON[text.split()[-1]] < 0)


def test_usable_lexicon_drops_chat_acronyms_not_seen_in_the_corpus():
    kept = augment.usable_lexicon(LEXICON, {"superb", "lol"})
    assert "lol" in kept and "superb" in kept and "catastrophically" in kept and "nice" not in kept


def test_negated_sentences_flip_only_single_polarity_copula_sentences():
    out = augment.negated_sentences(ROWS + ROWS, LEXICON, random.Random(1))
    texts = [t for t, _ in out]
    assert "the acting in this long film is not superb ." in texts
    assert dict(out)["the acting in this long film is not superb ."] == 0
    assert not any("mess" in t for t in texts)             # two polar words: not used
    assert not any(t.startswith("it is not not") for t in texts)   # already negated: not used
    for text, label in out:                                # swapped antonyms flip too
        if "not" not in text.split():
            assert label == int(any(LEXICON.get(w, 0) > 0 for w in text.split()))


def test_contrasts_take_the_label_of_the_main_clause():
    rng = random.Random(2)
    for text, label in augment.contrasts(ROWS, LEXICON, rng, n=40):
        assert any(c.split()[0] in text for c in ("but", "although", "yet", "though", "still", "however"))
    # a contrast of two known clauses: the label is the second (main) clause's
    out = augment.contrasts([("good fun .", 1), ("a dull mess .", 0)], {}, random.Random(3), n=1)
    text, label = out[0]
    main = "good fun" if label == 1 else "a dull mess"
    assert main in text


def test_predicate_sentences_use_long_real_openings():
    rows = ROWS * 3
    out = augment.predicate_sentences(rows, LEXICON, random.Random(4), n=30)
    assert len(out) == 30
    openings = {" ".join(augment.words(t)[:i + 1]) for t, _ in rows
                for i, w in enumerate(augment.words(t)) if w in augment.COPULAS}
    for text, label in out:
        words = text.split()
        word = words[-2]
        negated = augment.is_negated(words)
        assert label == int((LEXICON[word] > 0) != negated)
        assert len(words) >= 5 + 2
        plain = " ".join(words[:-2]).replace("isn't", "is").replace("wasn't", "was").replace("aren't", "are")
        assert any(plain.startswith(o) for o in openings)


def test_length_batches_cover_every_item_once_in_similar_lengths():
    lengths = [random.Random(i).randint(1, 40) for i in range(1000)]
    batches = length_batches(lengths, 32, random.Random(0))
    assert sorted(i for b in batches for i in b) == list(range(1000))
    spread = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches) / len(batches)
    assert spread < 5                                      # random batches: ~35
