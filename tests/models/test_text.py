"""Tokenizers and vocabularies: what becomes a time step."""

import pytest

from rnnviz.models.text import MAX_TOKENS, Vocab, clean, clip, tokenize


def test_word_tokens_keep_surface_form_and_split_punctuation():
    assert tokenize("What time is it ?") == ["What", "time", "is", "it", "?"]
    assert tokenize("Don't stop, O'Neil!") == ["Don't", "stop", ",", "O'Neil", "!"]
    assert tokenize("<b>bold</b>") == ["<", "b", ">", "bold", "<", "/", "b", ">"]


def test_unicode_cjk_emoji_rtl_and_invisible_characters():
    assert tokenize("你好 世界 👋") == ["你好", "世界", "👋"]
    assert tokenize("שלום עולם") == ["שלום", "עולם"]
    # zero-width space, zero-width joiner, right-to-left mark and BOM never become steps
    assert tokenize("a\u200bb \u200fc\ufeff") == ["ab", "c"]
    assert tokenize("\u200b\u200d", "char") == []
    assert clean("e\u0301") == "é"  # NFC: one character however it was typed


def test_char_tokens():
    assert tokenize("  ab c\n", "char") == ["a", "b", " ", "c"]
    with pytest.raises(ValueError, match="level"):
        tokenize("x", "sentence")


def test_clip():
    toks = [str(i) for i in range(MAX_TOKENS + 5)]
    kept, cut = clip(toks)
    assert len(kept) == MAX_TOKENS and cut
    assert clip(["a"]) == (["a"], False)


def test_vocab_unknown_and_lowercase_round_trip():
    v = Vocab(["the", "film"], lowercase=True)
    assert v.itos[0] == "<unk>" and len(v) == 3
    assert v.encode(["The", "FILM", "zebra"]) == [1, 2, 0]
    assert "The" in v and "zebra" not in v
    w = Vocab.from_json(v.to_json())
    assert w.itos == v.itos and w.encode(["film"]) == [2]
    strict = Vocab(["a"], unk=None)
    with pytest.raises(KeyError, match="not in the vocabulary"):
        strict.encode(["b"])
    with pytest.raises(ValueError, match="duplicate"):
        Vocab(["a", "a"])
