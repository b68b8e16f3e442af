"""Numbers computed from traces and texts, no drawing: saturation, annotations, shapes, export,
gradient statistics, ablation maths, the reference texts and the first-screen defaults."""
