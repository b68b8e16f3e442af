"""rnnviz — see inside recurrent cells, exact to PyTorch.

    import rnnviz
    tr = rnnviz.trace(torch.nn.LSTM(8, 16), torch.randn(5, 8))
    tr.get("forget_gate")          # (5, 16) float32, one row per time step

The backend never imports streamlit: pages read widgets, call this package, and draw its arrays.
"""

from rnnviz.core.trace import FORCEABLE, GATES, QUANTITIES, Force, Trace, cell_kind, trace
from rnnviz.core.gradients import GradientFlow, gradient_flow
from rnnviz.models.upload import UploadError, load_user_model  # a student's own weights (issue 6)

__all__ = ["trace", "Trace", "Force", "GATES", "QUANTITIES", "FORCEABLE", "cell_kind",
           "gradient_flow", "GradientFlow", "load_user_model", "UploadError"]
