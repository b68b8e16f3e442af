"""The demo models: trained ones shipped in ``assets/models/``, seeded untrained cells, and a
student's upload (``rnnviz.models.upload``).

    import rnnviz.models as models
    models.available()                    # ['sentiment-lstm', 'shakespeare-gru', ...]
    m = models.load("sentiment-lstm")     # registry: shipped folders, seeded random cells
    m.trace("not bad at all")             # rnnviz.Trace of the recurrent layer (model: Model)
    models.random_model("GRU", bidirectional=True, num_layers=2, hidden_size=8, seed=0)

Parts: ``registry`` (what is shipped, loading, building modules), ``model`` (Model, Steps),
``predictions`` (typed outputs), ``text`` (tokenize, Vocab, clip, MAX_TOKENS), ``nets`` (the
training architectures), ``seq2seq`` (N→M), ``generate`` (1→N), ``upload`` (a student's weights).
"""

from rnnviz.models.model import Model, Steps, hashed_embedding
from rnnviz.models.predictions import ClassProbabilities, NextTokens, Prediction, Translation
from rnnviz.models.registry import (ASSETS, CELL_CHOICES, CELLS, IO_SHAPES, architecture, available,
                                    build_module, catalog, load, load_dir, random_model, read_config)
from rnnviz.models.seq2seq import Seq2SeqModel

__all__ = ["ASSETS", "CELL_CHOICES", "CELLS", "IO_SHAPES", "ClassProbabilities", "Model", "NextTokens",
           "Prediction", "Seq2SeqModel", "Steps", "Translation", "architecture", "available",
           "build_module", "catalog", "hashed_embedding", "load", "load_dir", "random_model",
           "read_config"]
