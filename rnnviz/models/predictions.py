"""What a model's head makes of a run, one small picklable type per task.

    match model.prediction(tr):
        case ClassProbabilities(probabilities=p):   # classify (N→1): {label: p}
        case NextTokens() as nt:                    # language model / counter (N→N): (T, V)
            nt.top(5)[t]                            # the 5 likeliest tokens after position t
        case Translation(output=s):                 # seq2seq (N→M): the decoded string
        case None:                                  # no head (untrained cell, uploaded layer)

Plain values and numpy only, so ``st.cache_data`` pickles them cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOP_K = 5


@dataclass(frozen=True)
class ClassProbabilities:
    """classify: the probability of each label after reading the whole sentence."""

    probabilities: dict[str, float]

    def best(self) -> tuple[str, float]:
        return max(self.probabilities.items(), key=lambda kv: kv[1])


@dataclass(frozen=True, eq=False)
class NextTokens:
    """language-model / counter: row t of ``probabilities`` (T, V) float32 is the distribution of
    token t+1 after reading tokens 0..t; ``vocabulary[j]`` names column j."""

    probabilities: np.ndarray
    vocabulary: tuple[str, ...]

    def top(self, k: int = TOP_K) -> list[list[tuple[str, float]]]:
        """The ``k`` likeliest next tokens after each position: T lists of (token, p), best first."""
        k = min(k, self.probabilities.shape[1])
        best = np.argsort(-self.probabilities, axis=1)[:, :k]  # (T, k)
        return [[(self.vocabulary[j], float(self.probabilities[t, j])) for j in row]
                for t, row in enumerate(best)]


@dataclass(frozen=True)
class Translation:
    """seq2seq: the decoder's greedy output string."""

    output: str


Prediction = ClassProbabilities | NextTokens | Translation
