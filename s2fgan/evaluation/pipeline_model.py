"""The FaceModel protocol over a SketchToFacePipeline, so `s2fgan eval DIR` can score it.

Every operation is the pipeline's own tensor-level API (`encode_sketch`, `encode_photo`,
`edit_ws`, `swap_ws`, `style_ws`, `render`), the code its PIL methods run, so the figures
measure what users get; codes are the pipeline's `ws`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch

from s2fgan.pipelines.sketch_to_face import SketchToFacePipeline, resize


class PipelineModel:
    """Adapts a SketchToFacePipeline to `s2fgan.evaluation.protocol.FaceModel`.

    Args:
        pipe: the pipeline.
        resolution: side of the images `synthesize` returns (the evaluation's resolution);
            the pipeline's own output is resized to it when they differ.
    """

    def __init__(self, pipe: SketchToFacePipeline, resolution: int) -> None:
        self.pipe, self.resolution = pipe, resolution

    def encode_sketch(self, sketch: torch.Tensor) -> torch.Tensor:
        return self.pipe.encode_sketch(sketch)

    def encode_image(self, image: torch.Tensor) -> torch.Tensor:
        return self.pipe.encode_photo(image)

    @property
    def styles(self) -> bool:
        """A pipeline draws a sketch's colours by style (from its StyleBank, or from the mapping
        network's faces when it has none)."""
        return True

    def style(self, code: torch.Tensor, styles: Sequence[int]) -> torch.Tensor:
        """The codes with the colours of style styles[b] for code b."""
        return self.pipe.style_ws(code, styles)

    def random(self, seeds: Sequence[int]) -> torch.Tensor:
        """Codes of the mapping network's random faces, as `random_face` and colour styles
        draw them when the pipeline has no StyleBank."""
        return self.pipe.random_ws(seeds)

    def edit(self, code: torch.Tensor, attributes: Mapping[str, float]) -> torch.Tensor:
        return self.pipe.edit_ws(code, attributes)

    def swap(self, code: torch.Tensor, donor: torch.Tensor, regions: Sequence[str]) -> torch.Tensor:
        return self.pipe.swap_ws(code, donor, regions)

    def synthesize(self, code: torch.Tensor) -> torch.Tensor:
        return resize(self.pipe.render(code).images.cpu(), self.resolution)
