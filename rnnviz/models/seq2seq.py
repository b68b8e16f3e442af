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
