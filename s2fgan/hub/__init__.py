"""Hugging Face Hub packaging: model cards, `s2fgan push`, loading by folder or repo id."""
