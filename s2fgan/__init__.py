"""s2fgan: sketch a face, get a portrait, steer it with attribute sliders, swap its regions."""

from s2fgan.constants import ATTRIBUTES, REGIONS
from s2fgan.version import __version__

# Networks and the pipeline load lazily (torch and diffusers are heavy), but are reachable
# as `s2fgan.<Name>`: diffusers finds a saved pipeline's components this way.
_LAZY = {
    "AttributeMapper": "s2fgan.models.attribute_mapper",
    "DualBranchDiscriminator": "s2fgan.models.discriminators",
    "ImageEncoder": "s2fgan.models.encoders",
    "LatentDomainDiscriminator": "s2fgan.models.discriminators",
    "MappingNetwork": "s2fgan.models.mapping",
    "RegionGenerator": "s2fgan.models.region_generator",
    "SketchEncoder": "s2fgan.models.encoders",
    "StyleBank": "s2fgan.models.style_bank",
    "FaceOutput": "s2fgan.pipelines.sketch_to_face",
    "SketchToFacePipeline": "s2fgan.pipelines.sketch_to_face",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 's2fgan' has no attribute {name!r}")


__all__ = ["ATTRIBUTES", "REGIONS", "__version__", *_LAZY]
