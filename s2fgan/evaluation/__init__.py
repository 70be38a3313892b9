"""Evaluation: evaluator networks trained on the data engine, and the figures of DESIGN.md."""
