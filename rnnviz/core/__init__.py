"""The exact math: PyTorch's cell equations step by step (cells), one unroll loop over layers ×
directions × time (unroll), every gate and state of a run (trace), the gradient picture (gradients)
and one unit's equations with the numbers filled in (stepping)."""
