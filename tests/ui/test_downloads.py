"""ui.downloads helpers: safe file names and NPZ bytes that load back to the same arrays."""

from __future__ import annotations

import io

import numpy as np

from ui.downloads import arrays_npz, file_stem


def test_file_stem_keeps_only_safe_characters():
    assert file_stem("sentiment-lstm", "Bi-LSTM") == "sentiment-lstm_Bi-LSTM"
    assert file_stem("../../etc/passwd", "<b>") == "etc-passwd_-b"  # no dots, slashes or brackets
    assert file_stem("", "") == "rnnviz"


def test_arrays_npz_round_trip():
    arrays = {"output": np.arange(6, dtype=np.float32).reshape(1, 2, 3), "h_n": np.ones((2, 3), np.float32)}
    loaded = np.load(io.BytesIO(arrays_npz(arrays)))
    assert set(loaded.files) == {"output", "h_n"}
    np.testing.assert_array_equal(loaded["output"], arrays["output"])
