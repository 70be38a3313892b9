"""ZeroGPU support for the app's handlers (the pipeline itself loads through
`s2fgan.pipelines.loading.load_pipeline`)."""

from __future__ import annotations

from collections.abc import Callable


def gpu(function: Callable) -> Callable:
    """`spaces.GPU` when the `spaces` package is present (ZeroGPU Spaces), else unchanged."""
    try:
        import spaces
    except ImportError:
        return function
    return spaces.GPU(function)
