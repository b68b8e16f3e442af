"""Streamlit-side helpers every page reuses (the backend, ``rnnviz``, never imports streamlit).

    from ui import charts, models, params, widgets
    from ui.safety import friendly_errors, safe
"""
