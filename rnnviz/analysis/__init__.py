"""Numbers computed from traces and texts, no drawing: saturation, annotations, shapes, export,
gradient statistics, ablation maths and the reference texts."""
