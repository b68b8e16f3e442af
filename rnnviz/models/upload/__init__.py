"""Bring your own model: a student's uploaded weights, read safely and rebuilt (see loader)."""

from rnnviz.models.upload.loader import *  # noqa: F401,F403
