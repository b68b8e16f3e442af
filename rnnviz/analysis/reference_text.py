"""Built-in public-domain reference texts, for statistics over more steps than one sentence.

Gate saturation (``rnnviz.analysis.saturation``) is a fraction of time steps; over a five-word sentence it
can only be 0, 0.2, 0.4 … A few hundred steps of ordinary English give a stable picture, as the
held-out text does in Karpathy, Johnson & Fei-Fei (2015). Both texts below are in the public domain
(authors died long before 1900; published 1609 and 1863):

- ``gettysburg``: Abraham Lincoln, Address at Gettysburg, 19 November 1863 (the "Bliss copy"),
  ~270 words / ~1,450 characters — for word-level models.
- ``sonnet18``: William Shakespeare, Sonnet 18 (1609, modern spelling) — ~630 characters, for the
  character-level models trained on Shakespeare.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    key: str
    title: str
    author: str
    year: int
    text: str


GETTYSBURG = Reference("gettysburg", "Address at Gettysburg", "Abraham Lincoln", 1863, """\
Four score and seven years ago our fathers brought forth on this continent, a new nation, \
conceived in Liberty, and dedicated to the proposition that all men are created equal.
Now we are engaged in a great civil war, testing whether that nation, or any nation so conceived \
and so dedicated, can long endure. We are met on a great battle-field of that war. We have come to \
dedicate a portion of that field, as a final resting place for those who here gave their lives \
that that nation might live. It is altogether fitting and proper that we should do this.
But, in a larger sense, we can not dedicate -- we can not consecrate -- we can not hallow -- this \
ground. The brave men, living and dead, who struggled here, have consecrated it, far above our poor \
power to add or detract. The world will little note, nor long remember what we say here, but it \
can never forget what they did here. It is for us the living, rather, to be dedicated here to the \
unfinished work which they who fought here have thus far so nobly advanced. It is rather for us to \
be here dedicated to the great task remaining before us -- that from these honored dead we take \
increased devotion to that cause for which they gave the last full measure of devotion -- that we \
here highly resolve that these dead shall not have died in vain -- that this nation, under God, \
shall have a new birth of freedom -- and that government of the people, by the people, for the \
people, shall not perish from the earth.
""")

SONNET_18 = Reference("sonnet18", "Sonnet 18", "William Shakespeare", 1609, """\
Shall I compare thee to a summer's day?
Thou art more lovely and more temperate:
Rough winds do shake the darling buds of May,
And summer's lease hath all too short a date;
Sometime too hot the eye of heaven shines,
And often is his gold complexion dimm'd;
And every fair from fair sometime declines,
By chance or nature's changing course untrimm'd;
But thy eternal summer shall not fade,
Nor lose possession of that fair thou ow'st;
Nor shall Death brag thou wander'st in his shade,
When in eternal lines to time thou grow'st:
So long as men can breathe or eyes can see,
So long lives this, and this gives life to thee.
""")

REFERENCES = {r.key: r for r in (GETTYSBURG, SONNET_18)}


def for_level(level: str) -> Reference:
    """The reference suited to a tokenization: Shakespeare for characters, Lincoln for words."""
    return SONNET_18 if level == "char" else GETTYSBURG
