"""A tiny, untrained SketchToFacePipeline at 64 px, shared by the pipeline and app tests."""

import pytest
import torch

from s2fgan.models.attribute_mapper import AttributeMapper
from s2fgan.models.encoders import ImageEncoder, SketchEncoder
from s2fgan.models.mapping import MappingNetwork
from s2fgan.models.region_generator import RegionGenerator
from s2fgan.pipelines import SketchToFacePipeline

W_DIM = 16


def make_tiny_pipeline() -> SketchToFacePipeline:
    torch.manual_seed(0)
    encoder = dict(resolution=64, widths=(8, 8, 16, 16, 16), w_dim=W_DIM)
    return SketchToFacePipeline(
        generator=RegionGenerator(
            w_dim=W_DIM,
            grid_size=16,
            fourier_features=8,
            local_width=8,
            feature_dim=8,
            render_widths=(8, 8, 8),
        ),
        mapping=MappingNetwork(w_dim=W_DIM, z_dim=W_DIM),
        sketch_encoder=SketchEncoder(**encoder),
        image_encoder=ImageEncoder(**encoder),
        attribute_mapper=AttributeMapper(w_dim=W_DIM),
    )


@pytest.fixture(scope="session")
def tiny_pipeline() -> SketchToFacePipeline:
    return make_tiny_pipeline()
