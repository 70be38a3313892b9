"""Hugging Face Hub packaging: model cards and `s2fgan push` (pipelines load through
`s2fgan.pipelines.loading`)."""
