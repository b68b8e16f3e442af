"""Bring your own model: a student's uploaded weights, read safely and rebuilt (see loader)."""

from rnnviz.models.upload.errors import (MAX_SIDE_FILE_BYTES, MAX_UPLOAD_BYTES, MAX_UPLOAD_MB, UploadError,
                                         safe_name)
from rnnviz.models.upload.inference import RecurrentSpec, build_module, find_embedding, find_recurrent
from rnnviz.models.upload.loader import UploadedModel, describe, load_user_model
from rnnviz.models.upload.reading import read_state_dict
from rnnviz.models.upload.side_files import VocabInfo, parse_inputs, parse_vocab

__all__ = ["MAX_SIDE_FILE_BYTES", "MAX_UPLOAD_BYTES", "MAX_UPLOAD_MB", "RecurrentSpec", "UploadError",
           "UploadedModel", "VocabInfo", "build_module", "describe", "find_embedding", "find_recurrent",
           "load_user_model", "parse_inputs", "parse_vocab", "read_state_dict", "safe_name"]
