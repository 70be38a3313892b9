"""The FaceModel protocol over a SketchToFacePipeline, so `s2fgan eval DIR` can score it.

Codes are the pipeline's `ws`; tensors go straight to the networks (no PIL round trip), at
the pipeline's resolution.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
import torch.nn.functional as F

from s2fgan.models.latent_layout import PARTS


class PipelineModel:
    """Adapts a SketchToFacePipeline to `s2fgan.evaluation.protocol.FaceModel`.

    Args:
        pipe: the pipeline.
        resolution: side of the images `synthesize` returns (the evaluation's resolution);
            the pipeline's own output is resized to it when they differ.
    """

    def __init__(self, pipe, resolution: int) -> None:
        self.pipe, self.resolution = pipe, resolution

    def _fit(self, x: torch.Tensor) -> torch.Tensor:
        size = self.pipe.resolution
        if x.shape[-2:] != (size, size):
            x = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True)
        return x.to(self.pipe.device, self.pipe._dtype)

    @torch.no_grad()
    def encode_sketch(self, sketch: torch.Tensor) -> torch.Tensor:
        return self.pipe.sketch_encoder(self._fit(sketch))

    @torch.no_grad()
    def encode_image(self, image: torch.Tensor) -> torch.Tensor:
        return self.pipe.image_encoder(self._fit(image))

    @property
    def styles(self) -> bool:
        """Whether the pipeline draws a sketch's colours by seed (it has a StyleBank)."""
        return self.pipe.has_styles

    @torch.no_grad()
    def style(self, code: torch.Tensor, seeds: Sequence[int]) -> torch.Tensor:
        """The codes with the colours of style seeds[b] for code b."""
        return self.pipe.style_bank.apply(code, list(seeds))

    @torch.no_grad()
    def edit(self, code: torch.Tensor, attributes: Mapping[str, float]) -> torch.Tensor:
        return self.pipe.attribute_mapper.edit(code, dict(attributes))

    @torch.no_grad()
    def swap(self, code: torch.Tensor, donor: torch.Tensor, regions: Sequence[str]) -> torch.Tensor:
        slots = self.pipe.generator.layout.slots(list(regions), PARTS)
        out = code.clone()
        out[:, slots] = donor[:, slots]
        return out

    @torch.no_grad()
    def synthesize(self, code: torch.Tensor) -> torch.Tensor:
        image = self.pipe.generator(code).image.float().clamp(-1, 1).cpu()
        if image.shape[-1] != self.resolution:
            size = (self.resolution, self.resolution)
            image = F.interpolate(image, size=size, mode="bilinear", antialias=True)
        return image
