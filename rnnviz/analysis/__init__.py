"""Analyses on traces: saturation, annotations, shapes, export, ablation maths, dynamics, defaults."""
