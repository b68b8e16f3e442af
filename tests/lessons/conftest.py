"""One torch thread, as the app runs (app.py): on a shared 2-core machine two spinning OpenMP
threads made these small models 30-100x slower in wall time."""

import pytest
import torch


@pytest.fixture(autouse=True, scope="session")
def one_torch_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
