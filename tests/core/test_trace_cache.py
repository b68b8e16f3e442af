"""The one trace type is picklable (st.cache_data stores it) and keeps its documented contract."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch

import rnnviz


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_a_pickled_trace_still_equals_the_module(kind):
    torch.manual_seed(0)
    kwargs = dict(num_layers=2, bidirectional=True) | ({"proj_size": 2} if kind == "LSTM" else {})
    module = getattr(torch.nn, kind)(3, 5, **kwargs).eval()
    x = torch.randn(6, 3)
    tr = rnnviz.trace(module, x)
    back = pickle.loads(pickle.dumps(tr.compact()))
    out = module(x)
    out, (h_n, c_n) = (out[0], out[1]) if kind == "LSTM" else (out[0], (out[1], None))
    torch.testing.assert_close(back.output, out, rtol=0, atol=0)
    torch.testing.assert_close(back.h_n, h_n, rtol=0, atol=0)
    if kind == "LSTM":
        torch.testing.assert_close(back.c_n, c_n, rtol=0, atol=0)
    for name in tr.quantities:
        for layer in range(2):
            for d in range(2):
                a = back.get(name, layer, d)
                assert a.dtype == np.float32 and a.flags["C_CONTIGUOUS"]
                np.testing.assert_array_equal(a, tr.get(name, layer, d))
    assert back.units == 5 and back.prediction is None
    assert set(back.arrays()) == {(n, layer, d) for n in tr.quantities for layer in range(2) for d in range(2)}
