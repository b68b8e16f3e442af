"""rnnviz — see every gate and state of a recurrent cell at every time step, exact to PyTorch.

Run: ``streamlit run app.py``. This file only sets up the page, the language and the navigation;
each lesson is a file in views/. To add a page, append one ``st.Page`` to ``PAGES``. The folder is
not called ``pages/`` on purpose: Streamlit still auto-discovers a ``pages/`` folder next to the main
script, and a cold server's first request for a lesson link would run that file without app.py (no
language, no navigation, a "Page not found" dialog).
"""

import streamlit as st
import torch

# One intra-op thread per computation. The models are small (a 40-token trace takes ~0.5 ms), and
# the server runs each session's script in its own thread on two cores: with torch's default of one
# OpenMP thread per core, idle workers spin and a trace measured 100-350 ms of CPU under load
# instead of 0.5 ms (bench/bench_app.py).
torch.set_num_threads(1)

from rnnviz.i18n import t
from ui import language
from ui.safety import friendly_errors

# Language of this script run (?lang= > this session's choice > browser locale > English): before
# anything is translated, page titles included.
language.setup()

st.set_page_config(page_title=t("app.title"), page_icon=":material/repeat:", layout="wide",
                   initial_sidebar_state="expanded")

# Less empty space above the title: on a 1280×720 projector the heatmaps should start on screen.
# Chart text in the page's own colour, not the theme's 60 % grey (3.7:1 on white): currentColor
# follows the light or the dark theme.
st.html("<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem}"
        f"{language.CHART_TEXT}{{fill:currentColor !important;fill-opacity:1 !important}}</style>")

PAGES = [
    # A course's order (issue 12): Learn first; the training lab right after Vanishing gradients;
    # State space right after Neuron view. The default page answers at "/" (url_path=""): a default
    # page's own url_path is reserved but never served (Streamlit 1.67), so "/gates" is a hidden alias
    # for links made before.
    st.Page("views/learn.py", title=t("learn.page"), icon=":material/school:", url_path="learn"),
    st.Page("views/gate_explorer.py", title=t("app.page_gate_explorer"), icon=":material/grid_on:", url_path="", default=True),
    st.Page("views/step_through.py", title=t("step_through.page"), icon=":material/step:", url_path="step-through"),
    st.Page("views/io_shapes.py", title=t("io_shapes.page"), icon=":material/call_split:", url_path="io-shapes"),
    st.Page("views/gradients.py", title=t("gradients.page"), icon=":material/trending_down:", url_path="gradients"),
    st.Page("views/lab.py", title=t("lab.page"), icon=":material/model_training:", url_path="lab"),
    st.Page("views/compare_cells.py", title=t("compare_cells.page"), icon=":material/view_agenda:", url_path="compare-cells"),
    st.Page("views/neuron_view.py", title=t("neuron_view.page"), icon=":material/highlight:", url_path="neuron-view"),
    st.Page("views/state_space.py", title=t("state_space.page"), icon=":material/scatter_plot:", url_path="state-space"),
    st.Page("views/ablation.py", title=t("ablation.page"), icon=":material/content_cut:", url_path="ablation"),
    st.Page("views/pytorch_shapes.py", title=t("pytorch_shapes.page"), icon=":material/data_array:", url_path="pytorch-shapes"),
    st.Page("views/your_model.py", title=t("your_model.page"), icon=":material/upload_file:", url_path="your-model"),
    st.Page("views/gate_explorer.py", title=t("app.page_gate_explorer"), icon=":material/grid_on:", url_path="gates", visibility="hidden"),
]

page = st.navigation(PAGES)
language.controls()  # the language switch (sidebar); lesson mode's projector style (?lesson=1)
with friendly_errors():
    page.run()
language.links(page)  # "link to this view": after the page has put its state in the URL
