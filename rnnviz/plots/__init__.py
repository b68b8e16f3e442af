"""Plotly builders: pure functions from arrays to figures (no streamlit, no torch)."""
