"""The live lab (issue 13): train a small RNN / LSTM / GRU on a memory task and watch it learn.

    from rnnviz.lab import train, load_run, shipped_runs
    run = train("delayed-recall", "LSTM", seed=0, lag=100)

No streamlit here: ``tasks`` (the problems), ``model`` (the network, ``LabModel``), ``training``
(the loop), ``runs`` (runs saved as folders, the shipped ones in ``assets/lab/``), ``scheduler``
(a class of learners pressing Train at once).
"""

from rnnviz.lab.model import GATE_BIAS, LabModel
from rnnviz.lab.tasks import TASK_NAMES, Task, make_task
from rnnviz.lab.training import CELLS, LabRun, resolve_options, train
from rnnviz.lab.runs import find_shipped, load_run, save_run, shipped_runs

__all__ = ["train", "LabRun", "LabModel", "Task", "make_task", "TASK_NAMES", "CELLS", "GATE_BIAS",
           "resolve_options", "load_run", "save_run", "shipped_runs", "find_shipped"]
