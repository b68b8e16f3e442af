"""Chapter 2 — the four I/O shapes (N→N, N→1, 1→N, N→M): the same cell, different outputs read.

The question is about N→1 (sentence sentiment): which of the T outputs y_1..y_T does the classifier
read? The answer is the diagram's rule (``rnnviz.plots.io_diagrams.diagram("N→1")``); the shipped
classifier's verdict on the sentence is what the one read output says.
"""

from __future__ import annotations

from dataclasses import dataclass

from rnnviz import models
from rnnviz.lessons.verdict import verdict
from rnnviz.plots import io_diagrams  # the diagrams' rule of which outputs each shape reads

MODEL = "sentiment-lstm"
SENTENCE = ("the", "acting", "was", "great")
SHAPE = "N→1"


@dataclass(frozen=True)
class OutputsRead:
    model: str
    tokens: tuple[str, ...]
    read: tuple[int, ...]          # positions whose output the task reads (0-based)
    label: str                     # the classifier's verdict on the sentence
    probability: float             # its probability


def outputs_read(model_name: str = MODEL, tokens: tuple[str, ...] = SENTENCE) -> OutputsRead:
    d = io_diagrams.diagram(SHAPE, len(tokens))
    read = tuple(d.node(node_id).step for node_id in d.read_outputs())
    label, probability = verdict(models.load(model_name), tokens)
    return OutputsRead(model=model_name, tokens=tuple(tokens), read=read, label=label, probability=probability)
