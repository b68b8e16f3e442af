"""Every Plotly builder (pure: arrays -> figure dict / ``go.Figure``) and the one palette."""
