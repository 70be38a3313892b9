"""The Gradio app: `build_demo(pipe)` wires the UI to a SketchToFacePipeline.

Gradio is an optional dependency (`pip install s2fgan[app]`); importing `s2fgan` never
imports it.
"""

from s2fgan.pipelines.loading import DEFAULT_MODEL, load_pipeline

__all__ = ["DEFAULT_MODEL", "build_demo", "load_pipeline"]


def build_demo(pipe, **kwargs):
    """See `s2fgan.app.demo.build_demo` (imported lazily: it needs gradio)."""
    from s2fgan.app.demo import build_demo as _build

    return _build(pipe, **kwargs)
