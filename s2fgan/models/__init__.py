"""The networks of s2fgan, one file each."""

from s2fgan.models.attribute_mapper import AttributeMapper
from s2fgan.models.discriminators import DualBranchDiscriminator, LatentDomainDiscriminator
from s2fgan.models.encoders import ImageEncoder, SketchEncoder
from s2fgan.models.mapping import MappingNetwork
from s2fgan.models.region_generator import RegionGenerator
from s2fgan.models.style_bank import StyleBank

__all__ = [
    "AttributeMapper",
    "DualBranchDiscriminator",
    "ImageEncoder",
    "LatentDomainDiscriminator",
    "MappingNetwork",
    "RegionGenerator",
    "SketchEncoder",
    "StyleBank",
]
