"""Lab tests train on one torch thread: that is what makes a run bitwise reproducible (and fast on
a shared 2-core machine)."""

import torch

torch.set_num_threads(1)
