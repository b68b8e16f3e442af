"""A character n-gram baseline for the language models: interpolated Kneser–Ney, pure Python.

The question it answers: does the recurrent model know more than "which character tends to follow
these four"? A character 5-gram trained on exactly the same text is the classic bar (Chen &
Goodman 1998, "An empirical study of smoothing techniques for language modeling", §2.7).

Interpolated Kneser–Ney of order N, for a context h (the last N−1 characters) and a character w:

    P_N(w | h) = max(c(hw) − D_N, 0) / c(h·)  +  D_N · N₁₊(h·) / c(h·) · P_{N−1}(w | h')

where h' drops h's oldest character, c are raw counts at the highest order and *continuation
counts* N₁₊(·g) = #{distinct x : c(xg) > 0} at every lower order (a character that follows many
different contexts is a good guess for an unseen one), N₁₊(h·) = #{distinct w : c(hw) > 0}, and
D_n = n₁ / (n₁ + 2 n₂) from the counts-of-counts of order n. The recursion ends at the uniform
distribution over the vocabulary (so a character never seen in training still gets mass). A
context never seen at order n (c(h·) = 0) passes straight to order n−1.

Evaluated like the recurrent models: every character but the first is predicted, from the (up to)
N−1 characters before it; bits per character = mean −log₂ P.
"""
from __future__ import annotations

import collections
import math


class KneserNey:
    def __init__(self, text: str, vocab: list[str], order: int = 5):
        self.order, self.vocab_size = order, len(vocab)
        self.known, self.unk = set(vocab), vocab[0]
        text = self.map_unknown(text)
        counts = [None] + [collections.Counter(text[i:i + n] for i in range(len(text) - n + 1))
                           for n in range(1, order + 1)]
        # continuation counts for the lower orders: how many distinct characters precede g
        for n in range(order - 1, 0, -1):
            cont = collections.Counter()
            for gram in counts[n + 1]:
                cont[gram[1:]] += 1
            counts[n] = cont
        self.counts = counts
        self.discount, self.context_total, self.context_types = [0.0], [None], [None]
        for n in range(1, order + 1):
            of_counts = collections.Counter(c for c in counts[n].values() if c <= 2)
            n1, n2 = of_counts[1], of_counts[2]
            self.discount.append(n1 / (n1 + 2 * n2) if n1 + n2 else 0.5)
            total, types = collections.Counter(), collections.Counter()
            for gram, c in counts[n].items():
                total[gram[:-1]] += c
                types[gram[:-1]] += 1
            self.context_total.append(total)
            self.context_types.append(types)

    def map_unknown(self, text: str) -> str:
        return "".join(ch if ch in self.known else self.unk for ch in text)

    def prob(self, context: str, ch: str) -> float:
        """P(ch | the last order−1 characters of context), interpolated down to uniform."""
        p = 1.0 / self.vocab_size
        context = context[-(self.order - 1):] if self.order > 1 else ""
        for n in range(1, self.order + 1):
            if n - 1 > len(context):
                break
            h = context[len(context) - (n - 1):] if n > 1 else ""
            total = self.context_total[n].get(h, 0)
            if total == 0:
                continue                                     # unseen context: keep the lower order
            d = self.discount[n]
            c = self.counts[n].get(h + ch, 0)
            p = max(c - d, 0.0) / total + d * self.context_types[n][h] / total * p
        return p

    def bits_per_char(self, text: str) -> float:
        """Mean −log₂ P(x_t | x_<t) over every character but the first (same as the RNN metric)."""
        text = self.map_unknown(text)
        nll = sum(-math.log2(self.prob(text[max(0, t - self.order + 1):t], text[t]))
                  for t in range(1, len(text)))
        return nll / (len(text) - 1)
