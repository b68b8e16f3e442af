"""Expected (the paper) vs observed (our shipped models), computed at run time. No streamlit.

    python -m rnnviz.analysis.expected_vs_observed [model ...]
    # default: every shipped sentiment-* model, and the lab's flip-flop and aⁿbⁿ runs if rnnviz.lab exists

The paper's numbers are constants with their citation; ours are measured from whatever weights are
in assets/models/ now (never written down here). Per model and direction:

- variance of the reference states explained by the top 2 and top 3 principal components;
- fixed points (q < 1e-8) found from ≥ 200 starts, and the dimension of that set: how many
  principal components of the fixed points explain 90 % of their variance (one point: 0);
- alignment with the readout: |cos| between the fixed points' first principal direction and the
  readout direction (w_positive − w_negative), both on the top layer's h; a random direction in
  R^P has E|cos| = sqrt(2 / (π P)) — printed beside it as the chance level;
- the slowest time constant τ = 1/|log|λ|| of the stable fixed points (all |λ| < 1) against the
  median sentence length of the reference set.

Reference: N. Maheswaranathan, A. H. Williams, M. D. Golub, S. Ganguli, D. Sussillo (2019),
"Reverse engineering recurrent networks for sentiment classification reveals line attractor
dynamics", NeurIPS 32 (arXiv:1906.10720), sections 4–5: top 2–3 PCs ≈ 90 % of the variance; the
approximate fixed points (q < 1e-8) form a 1-D manifold aligned with the readout; the slowest time
constant along it is far longer than a review.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from rnnviz.analysis import dynamics, state_space

# The 3-bit flip-flop (the lab's "flipflop" task) has its own expectation: one stable fixed point per
# memory state, 2³ = 8, with saddles between them (Sussillo & Barak 2013, Neural Computation 25(3), Fig. 2).
FLIPFLOP = {"citation": "Sussillo & Barak (2013), Neural Computation 25(3)", "stable_points": 8}

PAPER = {
    "citation": "Maheswaranathan, Williams, Golub, Ganguli & Sussillo (2019), NeurIPS, arXiv:1906.10720",
    "variance_top3": 0.90,           # "the top 2-3 PCs explain ~90 % of the variance"
    "fixed_point_dimension": 1,      # an approximate line attractor
    "fixed_points_found": 500,       # ~500 approximate fixed points, q < 1e-8 (their Fig. 3)
    "alignment": "high",             # readout aligned with the line attractor
    "slowest_tau": "≫ review length",
}


@dataclass
class Observed:
    model: str
    direction: int
    task: str                     # the model's task ("classify", …; a lab model: its lab task)
    variance_top2: float
    variance_top3: float
    fixed_points: int
    stable_points: int
    dimension: int                # PCs of the fixed points for 90 % of their variance (0: one point)
    alignment: float | None       # |cos(first PC of the fixed points, readout direction)|
    reference_alignment: float | None  # |cos(first PC of the reference states, readout direction)|
    chance_alignment: float       # E|cos| of a random direction, sqrt(2 / (π P))
    slowest_tau: float            # steps; nan without a stable point
    sentence_length: float        # median tokens of the reference sentences

    def verdicts(self) -> dict[str, bool]:
        """What agrees with the paper (True) and what does not."""
        return {"low_dimensional": self.variance_top3 >= 0.8,
                "line_attractor": self.fixed_points >= 10 and self.dimension == 1,
                "aligned": self.alignment is not None and self.alignment > 3 * self.chance_alignment,
                "slow": bool(np.isfinite(self.slowest_tau) and self.slowest_tau > 3 * self.sentence_length)}


def _first_pc(X: np.ndarray) -> np.ndarray | None:
    if len(X) < 2:
        return None
    return state_space.PCA.fit(X, k=1).components[0]


def _cos(a, b) -> float | None:
    if a is None or b is None:
        return None
    return float(abs(a @ b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def observe(model, reference: state_space.Reference | None = None,
            fixed: list[dynamics.FixedPoints] | None = None) -> list[Observed]:
    """One row per direction of ``model`` (pass ``reference`` / ``fixed`` to reuse cached work)."""
    reference = reference or state_space.reference(model)
    lay = reference.layout
    rows = []
    for d, states in enumerate(reference.states):
        fp = fixed[d] if fixed is not None else dynamics.fixed_points(model, direction=d, reference_states=states)
        variance = np.cumsum(fp.pca_variance)
        top = lay.top_h()
        readout = state_space.readout_direction(model, d)
        w = None if readout is None else readout[top]
        points_pca = state_space.PCA.fit(fp.points, k=0) if len(fp) >= 2 else None
        stable = np.abs(fp.eigenvalues[:, 0]) < 1 if len(fp) else np.zeros(0, bool)
        lab = getattr(model, "lab_task", None)
        rows.append(Observed(
            model=model.name, direction=d, task=lab.name if lab is not None else str(getattr(model, "task", "")),
            variance_top2=float(variance[min(1, len(variance) - 1)]),
            variance_top3=float(variance[min(2, len(variance) - 1)]),
            fixed_points=len(fp), stable_points=int(stable.sum()),
            dimension=0 if points_pca is None else points_pca.dimension(0.9),
            alignment=_cos(_first_pc(fp.points[:, top]), w),
            reference_alignment=_cos(_first_pc(states[:, top]), w),
            chance_alignment=float(np.sqrt(2 / (np.pi * lay.output_size))),
            slowest_tau=float(fp.slowest[stable].max()) if stable.any() else float("nan"),
            sentence_length=float(np.median(reference.lengths))))
    return rows


def sentence(row: Observed) -> str:
    """One honest English sentence (the page says the same through rnnviz.i18n)."""
    v = row.verdicts()
    agree = [k for k, ok in v.items() if ok]
    disagree = [k for k, ok in v.items() if not ok]
    words = {"low_dimensional": "low-dimensional states", "line_attractor": "a line of fixed points",
             "aligned": "readout aligned with the fixed points", "slow": "memory longer than a sentence"}
    text = "Agrees: " + (", ".join(words[k] for k in agree) or "nothing")
    text += ". Differs: " + (", ".join(words[k] for k in disagree) or "nothing") + "."
    if not v["line_attractor"]:
        text += (f" We find {row.fixed_points} isolated fixed point(s) ({row.stable_points} stable), "
                 "not a continuum.")
    if row.task == "flipflop":
        text += (f" Flip-flop: {FLIPFLOP['citation']} expect {FLIPFLOP['stable_points']} stable fixed points; "
                 f"we find {row.stable_points}.")
    return text


def table(rows: list[Observed]) -> str:
    head = (f"{'model':24} {'dir':>3} {'top2':>6} {'top3':>6} {'fixed':>5} {'stable':>6} {'dim':>3} "
            f"{'|cos|':>6} {'ref|cos|':>8} {'chance':>6} {'slowest τ':>9} {'length':>6}")
    lines = [head, f"{'paper (2019)':24} {'':>3} {'':>6} {'~0.90':>6} {'~500':>5} {'':>6} {'1':>3} "
             f"{'high':>6} {'':>8} {'':>6} {'≫ length':>9} {'':>6}"]
    for r in rows:
        cos = "—" if r.alignment is None else f"{r.alignment:.2f}"
        ref = "—" if r.reference_alignment is None else f"{r.reference_alignment:.2f}"
        lines.append(f"{r.model:24} {r.direction:>3} {r.variance_top2:>6.2f} {r.variance_top3:>6.2f} "
                     f"{r.fixed_points:>5} {r.stable_points:>6} {r.dimension:>3} {cos:>6} {ref:>8} "
                     f"{r.chance_alignment:>6.2f} {r.slowest_tau:>9.1f} {r.sentence_length:>6.0f}")
    return "\n".join(lines)


def lab_names() -> list[str]:
    """The lab's shipped flip-flop and aⁿbⁿ runs, when the lab (rnnviz.lab) is installed."""
    try:
        from rnnviz.lab import shipped_runs
    except ImportError:
        return []
    return [r["name"] for r in shipped_runs() if any(k in r["name"] for k in ("flipflop", "anbn"))]


def load(name: str):
    from rnnviz import models

    if name in models.available():
        return models.load(name)
    from rnnviz.lab import load_run

    return load_run(name).model


def main(names: list[str]) -> None:
    import torch

    from rnnviz import models

    torch.set_num_threads(1)
    names = names or [n for n in models.available() if n.startswith("sentiment-")] + lab_names()
    rows = [row for name in names for row in observe(load(name))]
    print(table(rows))
    print()
    for r in rows:
        print(f"{r.model} (direction {r.direction}): {sentence(r)}")
    print(f"\nPaper: {PAPER['citation']}.")


if __name__ == "__main__":
    main(sys.argv[1:])
