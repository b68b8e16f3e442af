"""The demo models: trained ones shipped in ``assets/models/``, seeded untrained cells, and a
student's upload (``rnnviz.models.upload``). See ``rnnviz.models.registry`` for the tour."""

from rnnviz.models.registry import (ASSETS, CELL_CHOICES, CELLS, IO_SHAPES, Model, Seq2SeqModel,
                                    architecture, available, build_module, catalog, hashed_embedding,
                                    load, load_dir, random_model, read_config)

__all__ = ["ASSETS", "CELL_CHOICES", "CELLS", "IO_SHAPES", "Model", "Seq2SeqModel", "architecture",
           "available", "build_module", "catalog", "hashed_embedding", "load", "load_dir", "random_model",
           "read_config"]
