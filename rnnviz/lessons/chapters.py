"""The Learn page's chapters: the lecture notes' order, each idea with its computed phenomenon.

    lesson = chapter(4).lesson()     # computes from the shipped models (seconds at most; cache it)
    lesson.question.correct          # index of the right option, from the computation
    lesson.page, lesson.params       # the full view that shows the same thing (URL path + query)

Every chapter has a catalogue entry per part, ``learn.ch<N>_<part>`` (title, body, question, reveal,
opt_a, opt_b, …) in locales/<lang>/learn.json; the numbers the texts need are in
``question.prompt_args`` and ``question.reveal_args``. Option texts may also be ``learn.option_token``
(the token at a position) when a question asks "which token".

 #  idea (lecture notes)                 model              the question's answer is computed as
 1  RNN reads a sentence (传统RNN)        sentiment-rnn      does h_T change when x_0 is swapped?
 2  the four I/O shapes (模型的分类)       sentiment-lstm     which outputs N→1 reads (io_diagrams)
 3  why a classic RNN forgets (梯度消失)   sentiment-rnn/…    first ÷ last ‖∂h_T/∂x_t‖ on 2T steps vs T
 4  forget gate (遗忘门)                   sentiment-lstm     token where the chosen unit's f is lowest
 5  input / output gate (输入门/输出门)     sentiment-lstm     which term made the biggest cell jump
 6  a cell that counts                   anbn-lstm          the counting unit's step on the b's
 7  GRU: reset / update gate (GRU模型)    sentiment-gru      is h_t nearer h_{t−1} or n_t where z≈1?
 8  Bi-LSTM                              sentiment-bilstm   which output slice equals h_n[1]
 9  the PyTorch call (nn.LSTM(5, 6, 2))  seeded nn.LSTM     which row of h_n equals output[0]
10  the experiment (minimal pair)        sentiment-lstm     does "not" flip the verdict?
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rnnviz.lessons import (both_ways, cell_write, counting, forget_gate, forgetting, gru_convention,
                            minimal_pair, outputs_read, reading, torch_call)

SAME_FACTOR = 2.0   # chapter 3: within a factor 2 the doubled ratio counts as "about the same"


@dataclass(frozen=True)
class Option:
    key: str                                  # catalogue key of the option's text
    args: dict = field(default_factory=dict)  # its format arguments


@dataclass(frozen=True)
class Question:
    options: tuple[Option, ...]
    correct: int                              # index into options, computed
    prompt_args: dict = field(default_factory=dict)
    reveal_args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str
    result: object                            # the phenomenon (one dataclass per chapter module)
    question: Question
    page: str                                 # url_path of the full view
    params: dict[str, str]                    # its query parameters: the same state
    also: tuple[tuple[str, str, dict[str, str]], ...] = ()  # further views: (label key, url_path, params)


@dataclass(frozen=True)
class Chapter:
    number: int
    slug: str
    page: str
    option_count: int                         # known without computing (for reading ?answers=)
    compute: Callable[[], object]
    ask: Callable[[object], Question]
    state: Callable[[object], dict[str, str]]
    more: Callable[[object], tuple] = lambda result: ()

    def lesson(self) -> Lesson:
        result = self.compute()
        also = tuple((key, page, {k: str(v) for k, v in params.items()}) for key, page, params in self.more(result))
        return Lesson(number=self.number, slug=self.slug, result=result, question=self.ask(result),
                      page=self.page, params={k: str(v) for k, v in self.state(result).items()}, also=also)


def _options(number: int, count: int, **args) -> tuple[Option, ...]:
    return tuple(Option(f"learn.ch{number}_opt_{'abcdefgh'[k]}", args) for k in range(count))


def sentence(tokens) -> str:
    return " ".join(tokens)


# ---------------------------------------------------------------------------------- the questions

def _ask_reading(r: reading.Reading) -> Question:
    return Question(_options(1, 2), correct=0 if r.last_remembers_first else 1,
                    prompt_args=dict(first=r.tokens[0], swap=r.swapped_tokens[0]),
                    reveal_args=dict(change_last=r.change_last, change_first=r.change_first, unit=r.unit,
                                     last=r.tokens[-1]))


def _ask_outputs(o: outputs_read.OutputsRead) -> Question:
    T = len(o.tokens)
    patterns = (tuple(range(T)), (T - 1,), (0,))   # all, the last, the first
    return Question(_options(2, 3), correct=patterns.index(o.read),
                    reveal_args=dict(label=o.label, p=100 * o.probability, steps=T))


def _ask_forgetting(f: forgetting.Forgetting) -> Question:
    ratio, doubled = f.ratio("RNN"), f.doubled_rnn_ratio
    if doubled > SAME_FACTOR * ratio:
        correct = 0                               # higher
    elif doubled < ratio / SAME_FACTOR:
        correct = 1                               # lower
    else:
        correct = 2                               # about the same
    T = len(f.tokens)
    return Question(_options(3, 3), correct=correct, prompt_args=dict(steps=T, doubled_steps=2 * T, rnn=ratio),
                    reveal_args=dict(rnn=ratio, lstm=f.ratio("LSTM"), gru=f.ratio("GRU"), doubled=doubled,
                                     steps=T, doubled_steps=2 * T))


def _ask_forget_gate(g: forget_gate.ForgetGate) -> Question:
    options = tuple(Option("learn.option_token", dict(position=k, token=tok)) for k, tok in enumerate(g.tokens))
    return Question(options, correct=g.closes_at, prompt_args=dict(unit=g.unit),
                    reveal_args=dict(unit=g.unit, token=g.tokens[g.closes_at], position=g.closes_at,
                                     value=float(g.forget[g.closes_at, g.unit]), typical=g.typical_value))


def _ask_cell_write(c: cell_write.CellWrite) -> Question:
    return Question(_options(5, 3), correct=cell_write.OPTIONS.index(c.gate),
                    prompt_args=dict(word=c.tokens[c.step], unit=c.unit, c_prev=c.c_prev, c=c.c),
                    reveal_args=dict(written=c.written, erased=c.erased, i=c.wires["input_gate"],
                                     g=c.wires["cell_candidate"], f=c.wires["forget_gate"],
                                     o=c.wires["output_gate"], c_prev=c.c_prev, c=c.c))


def _ask_counting(c: counting.Counting) -> Question:
    return Question(_options(6, 3), correct=counting.OPTIONS.index(c.behaviour), prompt_args=dict(n=c.n, unit=c.unit),
                    reveal_args=dict(unit=c.unit, r=c.r, step_a=c.step_a, step_b=c.step_b, n=c.n,
                                     end=float(c.cell[-1])))


def _ask_gru(g: gru_convention.GruConvention) -> Question:
    return Question(_options(7, 2, n=g.n, h_prev=g.h_prev), correct=gru_convention.OPTIONS.index(g.closer_to),
                    prompt_args=dict(unit=g.unit, word=g.tokens[g.step], z=g.z),
                    reveal_args=dict(h=g.h, n=g.n, h_prev=g.h_prev, z=g.z))


def _ask_both_ways(b: both_ways.BothWays) -> Question:
    H = b.hidden_size
    return Question(_options(8, 3, H=H), correct=b.answer, prompt_args=dict(H=H),
                    reveal_args=dict(H=H, gap=min(b.gaps), steps=len(b.tokens)))


def _ask_torch_call(c: torch_call.TorchCall) -> Question:
    shapes = dict(output=str(c.shapes["output"]), h_n=str(c.shapes["h_n"]))
    return Question(_options(9, 3), correct=torch_call.OPTIONS.index(c.equal_row), prompt_args=shapes,
                    reveal_args=shapes)


def _ask_minimal_pair(m: minimal_pair.MinimalPair) -> Question:
    (l1, p1), (l2, p2) = m.verdict_first, m.verdict_second
    return Question(_options(10, 2), correct=0 if m.flips else 1,
                    prompt_args=dict(first=sentence(m.first), second=sentence(m.second), label=l1, p=100 * p1),
                    reveal_args=dict(first=sentence(m.first), second=sentence(m.second), label1=l1, p1=100 * p1,
                                     label2=l2, p2=100 * p2))


# ---------------------------------------------------------------------------------- the table

CHAPTERS: tuple[Chapter, ...] = (
    Chapter(1, "reading", "step-through", 2, reading.reading, _ask_reading,
            lambda r: dict(model=r.model, sentence=sentence(r.tokens), step=len(r.tokens) - 1, unit=r.unit,
                           focus="hidden_state")),
    Chapter(2, "io-shapes", "io-shapes", 3, outputs_read.outputs_read, _ask_outputs,
            lambda o: dict(io_shape=outputs_read.SHAPE, io_cls=o.model, sentence=sentence(o.tokens))),
    Chapter(3, "forgetting", "gradients", 3, forgetting.forgetting, _ask_forgetting,
            lambda f: dict(gr_source="trained", sentence=sentence(f.tokens), gr_repeat=1)),
    Chapter(4, "forget-gate", "gates", len(forget_gate.SENTENCE), forget_gate.forget_gate, _ask_forget_gate,
            lambda g: dict(model=g.model, sentence=sentence(g.tokens), step=g.closes_at, unit=g.unit)),
    Chapter(5, "input-output-gates", "step-through", 3, cell_write.cell_write, _ask_cell_write,
            lambda c: dict(model=c.model, sentence=sentence(c.tokens), step=c.step, unit=c.unit, focus=c.gate)),
    Chapter(6, "counting", "neuron-view", 3, counting.counting, _ask_counting,
            lambda c: dict(model=c.model, sentence="".join(c.tokens), quantity="cell_state", unit=c.unit,
                           annotation="count_a_minus_b")),
    Chapter(7, "gru", "gates", 2, gru_convention.gru_convention, _ask_gru,
            lambda g: dict(model=g.model, sentence=sentence(g.tokens), step=g.step, unit=g.unit)),
    Chapter(8, "bidirectional", "step-through", 3, both_ways.both_ways, _ask_both_ways,
            lambda b: dict(model=b.model, sentence=sentence(b.tokens), direction=1, step=0, focus="hidden_state")),
    Chapter(9, "pytorch", "pytorch-shapes", 3, torch_call.torch_call, _ask_torch_call,
            lambda c: dict(ps_cell="LSTM", ps_in=torch_call.INPUT_SIZE, ps_hidden=torch_call.HIDDEN_SIZE,
                           ps_layers=torch_call.NUM_LAYERS, ps_batch=torch_call.BATCH, ps_seq=torch_call.SEQ_LEN,
                           ps_bi=False, ps_bf=False)),
    Chapter(10, "experiment", "compare-cells", 2, minimal_pair.minimal_pair, _ask_minimal_pair,
            lambda m: dict(sentence=sentence(m.second), cmp_source="trained", cmp_q="hidden_state"),
            lambda m: (("learn.open_state_space", "state-space",
                        dict(model=m.model, sentence=sentence(m.first), sentence_b=sentence(m.second),
                             open="pair")),  # the pair's section (distance, patching) open
                       ("learn.open_lab", "lab", dict(lab_mode="race", lab_task="delayed-recall", lab_lag=100)))),
)
COUNT = len(CHAPTERS)


def chapter(number: int) -> Chapter:
    """Chapter ``number`` (1-based), as in ``?chapter=N``."""
    if not 1 <= number <= COUNT:
        raise ValueError(f"chapter must be 1..{COUNT}, got {number}")
    return CHAPTERS[number - 1]


def option_counts() -> list[int]:
    return [c.option_count for c in CHAPTERS]
