"""A tiny, untrained SketchToFacePipeline at 64 px, shared by the pipeline and app tests."""

import pytest
import torch

from s2fgan.models.attribute_mapper import AttributeMapper
from s2fgan.models.encoders import ImageEncoder, SketchEncoder
from s2fgan.models.mapping import MappingNetwork
from s2fgan.models.region_generator import RegionGenerator
from s2fgan.pipelines import SketchToFacePipeline

W_DIM = 16


def make_tiny_pipeline(styles: int = 0) -> SketchToFacePipeline:
    """The tiny pipeline; with `styles` > 0, a StyleBank of that many encoded portraits."""
    torch.manual_seed(0)
    encoder = dict(resolution=64, widths=(8, 8, 16, 16, 16), w_dim=W_DIM)
    pipe = SketchToFacePipeline(
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
    if styles:
        from s2fgan.training.style_bank import build_style_bank

        bank = build_style_bank(pipe, styles, progress=False)
        pipe.register_modules(style_bank=bank)
    return pipe


@pytest.fixture(scope="session")
def tiny_pipeline() -> SketchToFacePipeline:
    return make_tiny_pipeline()


@pytest.fixture(scope="session")
def tiny_styled_pipeline() -> SketchToFacePipeline:
    """The tiny pipeline with a StyleBank of 4 styles."""
    return make_tiny_pipeline(styles=4)
