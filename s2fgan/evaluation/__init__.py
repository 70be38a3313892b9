"""Evaluation: evaluator networks trained on the data engine, and the figures listed in
docs/architecture.md."""
