"""Analyses built on traces: state space, fixed points, minimal pairs (no streamlit)."""
