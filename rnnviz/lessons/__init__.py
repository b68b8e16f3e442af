"""The Learn page's chapters, computed from the shipped models (no streamlit here).

The lecture notes (/work/shared/seed) teach in an order: the RNN formula on the unrolled chain, the
four I/O shapes, why a classic RNN forgets, the LSTM's forget / input / output gates, the GRU, the
bidirectional cell, the PyTorch call. Each chapter here pairs one idea with one phenomenon that the
shipped models show *when computed* (which unit, which token, which ratio), and a question whose
right answer is that computation's result — never a constant written by hand, because the models
are retrained from time to time. ``chapters.py`` is the table; one module per phenomenon; ``score``
keeps the learner's guesses in a URL-safe string.
"""
