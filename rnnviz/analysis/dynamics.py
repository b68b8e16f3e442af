"""Fixed points of a recurrent network with zero input (Sussillo & Barak 2013). No streamlit.

With the input switched off (x = 0, "no evidence"), one step of the recurrence is a map F on the
state s (layout in ``rnnviz.analysis.recurrence``: h, then c for an LSTM). A fixed point s* = F(s*)
is a state the network stays in; a slow point nearly does. Both are minima of the speed

    q(s) = ½ ‖F(s) − s‖²

Algorithm (all starts at once, as one batch):

1. starts: states the network really visits — sampled from the reference trajectories
   (``rnnviz.analysis.state_space``) plus a little Gaussian noise;
2. a few hundred Adam steps on Σ q in float32 (cheap, gets every start close to a minimum);
3. polish in float64 with damped Newton on the residual r = F(s) − s: s ← s − α A⁻¹ r with
   A = ∂F/∂s − I and α the longest of 1, ½, ¼, ⅛ that lowers q (per start);
4. keep the points with q below a threshold (1e-8, as Maheswaranathan et al. 2019), merge points
   closer than ``merge_distance``;
5. linearise: eigenvalues λ of the Jacobian ∂F/∂s at every point. |λ| < 1 is a decaying mode with
   time constant τ = 1 / |log |λ|| steps; |λ| ≈ 1 is a direction the state does not forget (a line
   attractor has one such λ per point, along the line).

The Jacobian is written out by hand for one-layer cells (no projection) — it is the costly part and
the batched formula is ~10× cheaper than autograd; other configurations use ``torch.func.jacrev``.
``tests/analysis/test_dynamics.py`` checks both against ``torch.autograd.functional.jacobian``.

References: D. Sussillo & O. Barak (2013), "Opening the black box: low-dimensional dynamics in
high-dimensional recurrent neural networks", Neural Computation 25(3). N. Maheswaranathan, A.
Williams, M. Golub, S. Ganguli & D. Sussillo (2019), NeurIPS — line attractors in sentiment RNNs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from rnnviz.analysis import state_space
from rnnviz.analysis.recurrence import StateLayout, StepMap, layout


@dataclass
class FixedPoints:
    """Fixed (and slow) points of one direction of a model, with their linearisation."""

    points: np.ndarray        # (K, S) float64, state layout of rnnviz.analysis.recurrence
    q: np.ndarray             # (K,) ½‖F(s) − s‖² at each point (float64)
    eigenvalues: np.ndarray   # (K, S) complex128, per point sorted by |λ| descending
    pca_variance: np.ndarray  # fraction of variance per principal component of the reference states
    readout: np.ndarray | None  # (K,) readout value at each point (state_space.readout_values)
    layout: StateLayout
    direction: int = 0
    starts: int = 0           # how many starts were optimised
    q_threshold: float = 1e-8
    stats: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.points)

    @property
    def time_constants(self) -> np.ndarray:
        """τ = 1 / |log |λ|| in steps, (K, S) (inf where |λ| = 1)."""
        with np.errstate(divide="ignore"):
            return 1.0 / np.abs(np.log(np.abs(self.eigenvalues)))

    @property
    def slowest(self) -> np.ndarray:
        """Each point's longest time constant, (K,)."""
        return self.time_constants.max(axis=1) if len(self) else np.zeros(0)


# --------------------------------------------------------------------------- the Jacobian ∂F/∂s

def _analytic_jacobian(F: StepMap, s: torch.Tensor) -> torch.Tensor:
    """∂F/∂s at each state of the batch s (B, S) -> (B, S, S), one layer, no projection, x = 0."""
    w_ih, w_hh, b_ih, b_hh, _ = F.weights[0]
    lay = F.layout
    P = lay.output_size
    h = s[:, :P]                                                    # (B, P)
    gh = h @ w_hh.T + b_hh                                          # (B, G·H)
    if F.cell == "RNN":
        a = b_ih + gh
        if F.nonlinearity == "tanh":
            slope = 1 - torch.tanh(a) ** 2
        else:
            slope = (a > 0).to(s.dtype)
        return slope[:, :, None] * w_hh                             # (B, H, H)
    if F.cell == "GRU":
        ir, iz, i_n = b_ih.chunk(3)
        hr, hz, hn = gh.chunk(3, dim=-1)
        Wr, Wz, Wn = w_hh.chunk(3)                                  # (H, H) each
        r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
        n = torch.tanh(i_n + r * hn)
        dr = (r * (1 - r))[:, :, None] * Wr                         # (B, H, H)
        dz = (z * (1 - z))[:, :, None] * Wz
        dn = (1 - n ** 2)[:, :, None] * (r[:, :, None] * Wn + hn[:, :, None] * dr)
        eye = torch.eye(P, dtype=s.dtype)
        return (1 - z)[:, :, None] * dn + (h - n)[:, :, None] * dz + z[:, :, None] * eye
    H = lay.hidden_size
    c = s[:, P:]                                                    # (B, H)
    a_i, a_f, a_g, a_o = (b_ih + gh).chunk(4, dim=-1)
    Wi, Wf, Wg, Wo = w_hh.chunk(4)                                  # (H, P) each
    i, f, g, o = torch.sigmoid(a_i), torch.sigmoid(a_f), torch.tanh(a_g), torch.sigmoid(a_o)
    c_new = f * c + i * g
    tc = torch.tanh(c_new)
    dc_dh = ((c * f * (1 - f))[:, :, None] * Wf + (g * i * (1 - i))[:, :, None] * Wi
             + (i * (1 - g ** 2))[:, :, None] * Wg)                 # (B, H, P)
    k = (o * (1 - tc ** 2))[:, :, None]                             # ∂h'/∂c' (diagonal)
    J = s.new_empty(s.shape[0], P + H, P + H)                       # (B, S, S), filled by blocks
    J[:, :P, :P] = (tc * o * (1 - o))[:, :, None] * Wo + k * dc_dh  # ∂h'/∂h
    J[:, :P, P:] = torch.diag_embed(k[:, :, 0] * f)                 # ∂h'/∂c
    J[:, P:, :P] = dc_dh                                            # ∂c'/∂h
    J[:, P:, P:] = torch.diag_embed(f)                              # ∂c'/∂c
    return J


def jacobian(F: StepMap, s: torch.Tensor) -> torch.Tensor:
    """∂F/∂s (x = 0) at each state of s (B, S) -> (B, S, S), in s's dtype."""
    lay = F.layout
    if lay.num_layers == 1 and F.weights[0][4] is None:
        return _analytic_jacobian(F, s)
    one = lambda v: F(v[None])[0]  # noqa: E731  (S,) -> (S,)
    return torch.func.vmap(torch.func.jacrev(one))(s)


# --------------------------------------------------------------------------- the search

def _speed(F: StepMap, s: torch.Tensor) -> torch.Tensor:
    return 0.5 * ((F(s) - s) ** 2).sum(dim=-1)                      # (B,)


def _adam(F32: StepMap, s: torch.Tensor, steps: int, lr: float,
          betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> torch.Tensor:
    """Adam on Σ q (the starts do not interact, so each gets its own gradient). Written out: it is
    six lines, and torch.optim's first use in a process costs ~1.5 s of imports."""
    m = torch.zeros_like(s)
    v = torch.zeros_like(s)
    for k in range(1, steps + 1):
        s = s.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(_speed(F32, s).sum(), s)       # (B, S)
        m = betas[0] * m + (1 - betas[0]) * grad
        v = betas[1] * v + (1 - betas[1]) * grad ** 2
        m_hat, v_hat = m / (1 - betas[0] ** k), v / (1 - betas[1] ** k)
        s = s.detach() - lr * m_hat / (v_hat.sqrt() + eps)
    return s.detach()


def _polish(F64: StepMap, s: torch.Tensor, steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Damped Newton on r(s) = F(s) − s = 0 for every start at once, float64: solve
    (∂F/∂s − I) δ = r, then take the longest of s − δ, s − δ/2, s − δ/4, s − δ/8 that lowers q
    (per start). Quadratic convergence at a true fixed point; a slow point (a minimum of q > 0)
    stalls and is dropped by the threshold later."""
    eye = torch.eye(s.shape[1], dtype=s.dtype)
    r = F64(s) - s                                                  # (B, S)
    q = 0.5 * (r ** 2).sum(1)                                       # (B,)
    for _ in range(steps):
        active = q > 1e-26                                          # converged starts stop here
        if not bool(active.any()):
            break
        sa = s[active]
        A = jacobian(F64, sa) - eye                                 # (b, S, S)
        try:
            delta = torch.linalg.solve(A, r[active][:, :, None])[..., 0]
        except RuntimeError:  # a singular A somewhere in the batch: least squares instead
            delta = torch.linalg.lstsq(A, r[active][:, :, None]).solution[..., 0]
        best_s, best_r, best_q = sa, r[active], q[active]
        for alpha in (1.0, 0.5, 0.25, 0.125):
            trial = sa - alpha * delta
            r_trial = F64(trial) - trial
            q_trial = 0.5 * (r_trial ** 2).sum(1)
            better = (q_trial < best_q) & (best_q == q[active])     # first (longest) step that helps
            best_s = torch.where(better[:, None], trial, best_s)
            best_r = torch.where(better[:, None], r_trial, best_r)
            best_q = torch.where(better, q_trial, best_q)
        s, r, q = s.clone(), r.clone(), q.clone()
        s[active], r[active], q[active] = best_s, best_r, best_q
    return s, q


def _merge(points: np.ndarray, q: np.ndarray, distance: float) -> np.ndarray:
    """Indices of points kept after merging those within ``distance`` (the lowest q wins)."""
    kept: list[int] = []
    for k in np.argsort(q):
        if all(np.linalg.norm(points[k] - points[j]) > distance for j in kept):
            kept.append(int(k))
    return np.asarray(kept, dtype=int)


def polish_budget(state_size: int, starts: int = 200) -> int:
    """How many starts go on to the float64 Newton polish: all of them up to 160 dimensions; above,
    fewer, so the O(S³) solves stay near the cost of a 64-unit LSTM (S = 128) with 200 starts."""
    return starts if state_size <= 160 else max(16, int(starts * (128 / state_size) ** 3))


def fixed_points(model, *, direction: int = 0, reference_states: np.ndarray | None = None,
                 starts: int = 200, noise: float = 0.02, adam_steps: int = 200, lr: float = 0.01,
                 polish_steps: int = 12, q_threshold: float = 1e-8, merge_distance: float = 1e-3,
                 max_polish: int | None = None, seed: int = 0) -> FixedPoints:
    """Fixed and slow points of direction ``direction`` of ``model`` (a ``rnnviz.models.Model`` or
    anything with ``.module`` and, for the readout, ``.head``) at zero input.

    reference_states: (N, S) states to start from (default: ``state_space.reference(model)``).
    noise: std of the Gaussian added to each start, as a fraction of the reference states' std.
    max_polish: at most this many of the lowest-q starts go on to the float64 polish (default
    ``polish_budget``: every start for a 64-unit model)."""
    module = model.module
    lay = layout(module)
    max_polish = polish_budget(lay.size, starts) if max_polish is None else max_polish
    if reference_states is None:
        reference_states = state_space.reference(model).states[direction]
    R = np.asarray(reference_states, dtype=np.float64)             # (N, S)
    pca_variance = state_space.PCA.fit(R, k=0).variance_ratio
    rng = np.random.default_rng(seed)
    s0 = R[rng.integers(0, len(R), size=starts)]                    # (starts, S)
    s0 = s0 + noise * R.std() * rng.standard_normal(s0.shape)
    F32, F64 = StepMap(module, direction, torch.float32), StepMap(module, direction, torch.float64)
    with torch.enable_grad():
        s = _adam(F32, torch.as_tensor(s0, dtype=torch.float32), adam_steps, lr)
    s = s.double()
    with torch.no_grad():
        q0 = _speed(F64, s)
        best = torch.argsort(q0)[:max_polish]
        s, q = _polish(F64, s[best], polish_steps)
    points, q = s.numpy(), q.numpy()
    good = np.flatnonzero(q < q_threshold)
    keep = good[_merge(points[good], q[good], merge_distance)]
    readout = state_space.readout_values(model, points[keep], direction)
    # in readout order when there is one (negative → positive along the line), else by q
    keep = keep[np.argsort(readout, kind="stable")] if readout is not None else keep
    points, q = points[keep], q[keep]
    with torch.no_grad():
        J = jacobian(F64, torch.as_tensor(points)).numpy() if len(points) else np.zeros((0, lay.size, lay.size))
    # torch's eigvals (one thread, as the app runs) — numpy's BLAS spins threads on a busy machine
    eig = torch.linalg.eigvals(torch.as_tensor(J)).numpy() if len(points) else np.zeros((0, lay.size), complex)
    eig = np.take_along_axis(eig, np.argsort(-np.abs(eig), axis=1), axis=1)
    stats = {"below_threshold": int(len(good)), "polished": int(len(best)),
             "median_q_after_adam": float(q0.median())}
    return FixedPoints(points, q, eig, pca_variance, state_space.readout_values(model, points, direction),
                       lay, direction, starts, q_threshold, stats)
