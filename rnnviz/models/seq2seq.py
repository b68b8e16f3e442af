"""N→M: an encoder–decoder that reads English number words and writes the digits.

    "three hundred and twelve"  ->  encoder (GRU) -> context c = h_T  ->  decoder (GRU) -> "312"

Sutskever et al. 2014 (arXiv:1409.3215) and Cho et al. 2014 (arXiv:1406.1078): the encoder
compresses the whole source sentence into its final hidden state c; the decoder starts from
s_0 = c, reads [embed(y_{t-1}) ; c] at every step and emits p(y_t) = softmax(W s_t + b) until
``</s>``. Greedy decoding. Both halves are plain torch recurrent modules, so ``rnnviz.trace`` shows
the gates of either; ``decode`` returns those traces and c itself.

The task is synthetic (no licence question): ``number_to_words`` writes 0 … 999,999 in British
English ("and" before the last two digits; hyphens are accepted on input and dropped).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from rnnviz.core.trace import Trace
from rnnviz.models.model import Model
from rnnviz.models.predictions import Translation
from rnnviz.models.text import Vocab

ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
MAX_NUMBER = 999_999
SRC_SPECIALS = ["<pad>", "<unk>"]
TGT_SPECIALS = ["<s>", "</s>"]
SOURCE_WORDS = SRC_SPECIALS + ONES + TENS[2:] + ["hundred", "thousand", "and"]
TARGET_CHARS = TGT_SPECIALS + list("0123456789")
MAX_OUTPUT = 8  # longest answer "999999" is 6 digits + </s>; a little slack


def _below_thousand(n: int, use_and: bool) -> list[str]:
    words = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [ONES[hundreds], "hundred"]
        if rest and use_and:
            words.append("and")
    if rest >= 20:
        words.append(TENS[rest // 10])
        if rest % 10:
            words.append(ONES[rest % 10])
    elif rest or not words:
        words.append(ONES[rest])
    return words


def number_to_words(n: int, use_and: bool = True) -> str:
    """0 … 999,999 -> "nine hundred and ninety nine thousand nine hundred and ninety nine"."""
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"number must be in 0 … {MAX_NUMBER:,}")
    thousands, rest = divmod(n, 1000)
    words = []
    if thousands:
        words += _below_thousand(thousands, use_and) + ["thousand"]
        if rest and rest < 100 and use_and:
            words.append("and")           # "two thousand and five"
        if rest:
            words += _below_thousand(rest, use_and)
    else:
        words = _below_thousand(rest, use_and)
    return " ".join(words)


def source_tokens(text: str) -> list[str]:
    """Lower-case words; hyphens and commas are separators ("twenty-one" = "twenty one")."""
    return re.findall(r"[^\s,\-]+", text.lower())


@dataclass
class Decoding:
    """One greedy translation, everything the app needs to draw N→M."""
    source: list[str]            # source tokens (as typed, lower-cased)
    output: str                  # the digits produced
    output_tokens: list[str]     # decoder outputs, one per step, ending with "</s>" if it stopped
    decoder_inputs: list[str]    # decoder input tokens: "<s>", then its own previous outputs
    context: np.ndarray          # c = encoder h_T, float32 (H,)
    probabilities: np.ndarray    # float32 (steps, len(TARGET_CHARS)) p(y_t | y_<t, c)
    encoder_trace: object        # rnnviz Trace of the encoder over the source
    decoder_trace: object        # rnnviz Trace of the decoder over decoder_inputs (h_0 = c)


@torch.no_grad()
def greedy_ids(net, src: torch.Tensor, lengths: torch.Tensor, max_len: int = MAX_OUTPUT) -> torch.Tensor:
    """Batched greedy decoding for evaluation: src (B, S) -> ids (B, max_len) (</s> then padding)."""
    state = net.encode(src, lengths)
    context_h = (state[0] if net.cell == "LSTM" else state)[-1]              # (B, H)
    prev = torch.full((src.shape[0], 1), TARGET_CHARS.index("<s>"), dtype=torch.long)
    time_first = not net.decoder.batch_first   # a loaded module is time-first, the trainer's is not
    outs = []
    for _ in range(max_len):
        x = net.decoder_inputs(prev, context_h)                              # (B, 1, E+H)
        out, state = net.decoder(x.transpose(0, 1) if time_first else x, state)
        out = out.transpose(0, 1) if time_first else out                     # (B, 1, H)
        prev = net.head(out).argmax(-1)                                      # (B, 1)
        outs.append(prev)
    return torch.cat(outs, dim=1)


def ids_to_string(ids) -> str:
    chars = []
    for i in ids:
        tok = TARGET_CHARS[int(i)]
        if tok == "</s>":
            break
        if tok != "<s>":
            chars.append(tok)
    return "".join(chars)


@torch.no_grad()
def decode(net, source: list[str], src_stoi: dict[str, int], max_len: int = MAX_OUTPUT) -> Decoding:
    """Greedy translation of one sentence with exact traces of both recurrent modules."""
    from rnnviz.core.trace import trace as rnn_trace

    if not source:
        raise ValueError("type some number words, e.g. 'three hundred and twelve'")
    unk = src_stoi["<unk>"]
    ids = torch.tensor([src_stoi.get(w, unk) for w in source], dtype=torch.long)      # (S,)
    enc_trace = rnn_trace(net.encoder, net.src_embedding(ids))                      # unbatched (S, E)
    lstm = net.cell == "LSTM"
    state = (enc_trace.h_n, enc_trace.c_n) if lstm else enc_trace.h_n               # (1, H) each
    context_h = enc_trace.h_n[-1:]                                                  # c: (1, H)
    prev_id, inputs, outputs, probs = TARGET_CHARS.index("<s>"), [], [], []
    for _ in range(max_len):
        inputs.append(prev_id)
        step_in = net.decoder_inputs(torch.tensor([[prev_id]]), context_h)[0]       # (1, E+H) unbatched
        out, state = net.decoder(step_in, state)                                    # (1, H)
        p = torch.softmax(net.head(out)[0], dim=-1)                                 # (V,)
        prev_id = int(p.argmax())
        outputs.append(prev_id)
        probs.append(p)
        if TARGET_CHARS[prev_id] == "</s>":
            break
    # The decoder over the inputs it actually read, from s_0 = c: its exact per-step trace.
    dec_x = net.decoder_inputs(torch.tensor([inputs]), context_h)[0]                # (T, E+H)
    h0 = (enc_trace.h_n, enc_trace.c_n) if lstm else enc_trace.h_n
    dec_trace = rnn_trace(net.decoder, dec_x, h0)
    return Decoding(source=list(source), output=ids_to_string(outputs),
                    output_tokens=[TARGET_CHARS[i] for i in outputs],
                    decoder_inputs=[TARGET_CHARS[i] for i in inputs],
                    context=context_h[0].numpy().astype(np.float32),
                    probabilities=torch.stack(probs).numpy().astype(np.float32),
                    encoder_trace=enc_trace, decoder_trace=dec_trace)


class Seq2SeqModel(Model):
    """N→M encoder–decoder (rnnviz.models.seq2seq). ``module`` is the encoder; ``decoder`` the second
    recurrent module, started from the context c = encoder h_T and reading [embed(y_{t-1}) ; c]."""

    def __init__(self, name: str, module: nn.RNNBase, *, decoder: nn.RNNBase,
                 target_embedding: nn.Embedding, target_vocab: Vocab, **kw):
        super().__init__(name, module, **kw)
        self.decoder = decoder.eval().requires_grad_(False)
        self.target_embedding = target_embedding.eval().requires_grad_(False)
        self.target_vocab = target_vocab

    def split(self, text: str) -> list[str]:
        return source_tokens(text)

    # the pieces rnnviz.models.seq2seq.decode expects (same names as rnnviz.models.nets.Seq2Seq)
    @property
    def encoder(self) -> nn.RNNBase:
        return self.module

    @property
    def src_embedding(self) -> nn.Embedding:
        return self.embedding

    @property
    def tgt_embedding(self) -> nn.Embedding:
        return self.target_embedding

    def encode(self, src: torch.Tensor, lengths: torch.Tensor):
        """Batched encoder for evaluation: src (B, S) right-padded -> final state (c)."""
        from torch.nn.utils.rnn import pack_padded_sequence

        packed = pack_padded_sequence(self.embedding(src), lengths.cpu(), batch_first=True,
                                      enforce_sorted=False)
        return self.module(packed)[1]

    def decoder_inputs(self, tgt_in: torch.Tensor, context_h: torch.Tensor) -> torch.Tensor:
        emb = self.target_embedding(tgt_in)                              # (B, T, E)
        c = context_h.unsqueeze(1).expand(-1, emb.shape[1], -1)          # (B, T, H)
        return torch.cat([emb, c], dim=-1)                               # (B, T, E+H)

    def translate(self, tokens_or_text):
        """Greedy decoding -> rnnviz.models.seq2seq.Decoding (output, context c, probabilities, encoder and
        decoder traces)."""
        tokens = self._as_tokens(tokens_or_text)
        if not tokens:
            raise ValueError("There is nothing to translate: type some number words, e.g. 'forty two'.")
        with torch.no_grad():
            return decode(self, tokens, self.vocab.stoi)

    def predict(self, tokens_or_text, force=None) -> str:
        """The output string (digits). ``force`` is not supported for the two-module model."""
        if force:
            raise ValueError("Forcing gates is not available for the encoder–decoder model.")
        return self.translate(tokens_or_text).output

    def readout(self, tr: Trace):
        raise NotImplementedError("use translate(): the seq2seq output needs the decoder too")

    @torch.no_grad()
    def decode_from(self, encoder_trace: Trace) -> str:
        """The greedy output when the decoder starts from this (possibly forced) encoder trace: its
        final state becomes the context c and the decoder's start state, exactly as in
        :func:`decode` (which this repeats, so an untouched decoder sees a changed c). For an
        unforced trace it equals ``predict(tokens)``."""
        lstm = self.decoder.__class__.__name__ == "LSTM"
        state = (encoder_trace.h_n, encoder_trace.c_n) if lstm else encoder_trace.h_n  # (L·D, H) each
        context_h = encoder_trace.h_n[-1:]  # c: (1, H)
        prev_id, outputs = TARGET_CHARS.index("<s>"), []
        for _ in range(MAX_OUTPUT):
            step_in = self.decoder_inputs(torch.tensor([[prev_id]]), context_h)[0]  # (1, E+H)
            out, state = self.decoder(step_in, state)  # (1, H)
            prev_id = int(self.head(out)[0].argmax())
            outputs.append(prev_id)
            if TARGET_CHARS[prev_id] == "</s>":
                break
        return ids_to_string(outputs)

    def prediction(self, tr: Trace) -> Translation:
        return Translation(self.decode_from(tr))
