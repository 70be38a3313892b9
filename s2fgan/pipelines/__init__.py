"""Inference pipelines: PIL in, PIL out, over a tensor-level API; `loading.load_pipeline`
loads one from a folder or a Hub repo id.

The pipeline is imported on first use, so that `s2fgan.pipelines.commands` and
`s2fgan.pipelines.loading` (and with them `s2fgan --version` / `--help`) load without torch and
diffusers.
"""

__all__ = ["FaceOutput", "SketchToFacePipeline"]


def __getattr__(name: str):
    if name in __all__:
        from s2fgan.pipelines import sketch_to_face

        return getattr(sketch_to_face, name)
    raise AttributeError(f"module 's2fgan.pipelines' has no attribute {name!r}")
