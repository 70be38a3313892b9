"""Inference pipelines: PIL in, PIL out."""

from s2fgan.pipelines.sketch_to_face import FaceOutput, SketchToFacePipeline

__all__ = ["FaceOutput", "SketchToFacePipeline"]
