"""SketchToFacePipeline: sketch -> portrait -> attribute edits -> region swaps in one code.

Inference only: PIL in, PIL out. Every result carries its code `ws`, so re-editing or
swapping a result never re-encodes the sketch (S2FGAN's encoders + AttributeMapper,
SemanticStyleGAN's region generator). Underneath the PIL methods lies a tensor-level API
(`encode_sketch`, `encode_photo`, `edit_ws`, `swap_ws`, `style_ws`, `render`) that
`s2fgan eval` and the StyleBank builder call too; see docs/architecture.md.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from diffusers import DiffusionPipeline
from diffusers.utils import BaseOutput
from PIL import Image

from s2fgan.constants import ATTRIBUTES, REGION_COLORS, REGIONS
from s2fgan.data.image_io import (
    ImageSource,
    check_image_size,
    image_to_tensor,
    image_to_uint8,
    sketch_to_pil,
    sketch_to_tensor,
)
from s2fgan.data.sketch_input import EmptySketchError, empty_sketches, prepare_sketch
from s2fgan.models.attribute_mapper import AttributeMapper
from s2fgan.models.encoders import ImageEncoder, SketchEncoder
from s2fgan.models.latent_layout import PARTS
from s2fgan.models.mapping import MappingNetwork
from s2fgan.models.region_generator import RegionGenerator
from s2fgan.models.style_bank import StyleBank
from s2fgan.pipelines.checked_loading import load_checked
from s2fgan.pipelines.png import save_generated_png
from s2fgan.seeds import check_seeds

_PALETTE = [c for color in REGION_COLORS for c in color]
# Pixel spread (std on the [-1, 1] scale) below which a photo is one flat colour: 2 levels of 255.
FLAT_PHOTO_STD = 2 / 127.5


def resize(images: torch.Tensor, size: int) -> torch.Tensor:
    """Images [B, C, H, W] -> [B, C, size, size] (bilinear, antialiased when shrinking);
    unchanged when they already have that size."""
    if images.shape[-2:] != (size, size):
        images = F.interpolate(images, size=(size, size), mode="bilinear", antialias=True)
    return images


def _check_batch(images: torch.Tensor, channels: int, name: str) -> None:
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"expected a {name} tensor, got {type(images).__name__}")
    if images.ndim != 4 or images.shape[1] != channels or images.shape[0] == 0:
        raise ValueError(f"{name} must be [B, {channels}, H, W], got {list(images.shape)}")


def _checked(image: torch.Tensor, what: str) -> torch.Tensor:
    """[C, H, W] -> [1, C, H, W], refused when too small (as prepare_sketch and the app do)."""
    check_image_size(image.shape[-1], image.shape[-2], what)
    return image.unsqueeze(0)


def _style_not_seed(call: str):
    """Refuse the former colour keyword `seed=` of a colour method with a TypeError that names
    `style=`: `seed` now means an identity only (`random_face`), and a silently ignored or
    misread keyword would give the wrong colours."""

    def decorate(method):
        @functools.wraps(method)
        def checked(self, *args, **kwargs):
            if "seed" in kwargs:
                raise TypeError(
                    f"{call.format('seed=...')} is now {call.format('style=...')}: "
                    "seed= picks an identity in random_face"
                )
            return method(self, *args, **kwargs)

        return checked

    return decorate


def _checked_photo(photo: torch.Tensor) -> torch.Tensor:
    """[3, H, W] -> [1, 3, H, W], refused when too small or one flat colour (a black or blank
    image holds no face; the encoder would invent a noisy one)."""
    batch = _checked(photo, "photo")
    if photo.std() < FLAT_PHOTO_STD:
        raise ValueError("the photo is one flat colour: give a photo of a face")
    return batch


@dataclass
class RenderOutput(BaseOutput):
    """
    Attributes:
        images: [B, 3, R, R] float32 in [-1, 1].
        masks: [B, R, R] region ids (int64, index into `s2fgan.constants.REGIONS`).
    """

    images: torch.Tensor
    masks: torch.Tensor


@dataclass
class FaceOutput(BaseOutput):
    """
    Attributes:
        images: generated portraits (RGB).
        masks: region maps (mode "P": pixel = region id, palette = region colours).
        ws: [B, num_ws, w_dim] the code of each portrait (feed it back to edit / swap).
        attributes: per portrait, the strength of each of the 12 attributes in its code.
        style: the colour style the portraits wear (see `SketchToFacePipeline.__call__`),
            else None (their own colours).
        seed: the identity seed of a random face (`random_face`) they derive from, else None.
        sketches: the sketches as the sketch encoder received them (normalised and framed,
            grey "L"), for portraits made from sketches; else None.
    """

    images: list[Image.Image]
    masks: list[Image.Image]
    ws: torch.Tensor
    attributes: list[dict[str, float]]
    style: int | None = None
    seed: int | None = None
    sketches: list[Image.Image] | None = None

    def save(self, path: str | Path, index: int = 0, size: int | None = None, **details) -> Path:
        """Write portrait `index` as a PNG whose text chunks say it is synthetic and made by
        s2fgan (version, colour style, identity seed, attribute strengths and the given
        `details`, e.g. source).

        Args:
            path: the PNG file; missing folders are created.
            index: which portrait of the batch.
            size: a side in pixels to resize to (LANCZOS); None keeps the model's resolution.
            details: more JSON-able facts to record.
        """
        image = self.images[index]
        if size is not None and image.size != (size, size):
            image = image.resize((size, size), Image.Resampling.LANCZOS)
        # + 0.0 turns a rounded -0.0 into 0.0, so that no file says "-0.0"
        strengths = {name: round(float(v), 2) + 0.0 for name, v in self.attributes[index].items()}
        return save_generated_png(
            image, path, style=self.style, seed=self.seed, attributes=strengths, **details
        )


class SketchToFacePipeline(DiffusionPipeline):
    """Sketch-to-face with attribute sliders and region swapping.

    Args:
        generator: RegionGenerator, ws -> image and segmentation.
        mapping: MappingNetwork, z -> ws, for random faces and donors.
        sketch_encoder: SketchEncoder, sketch -> ws.
        image_encoder: ImageEncoder, photo -> ws.
        attribute_mapper: AttributeMapper, reads and sets the 12 attribute strengths.
        style_bank: optional StyleBank: with it, a style gives a sketch's portrait (and a
            random face) the colours of one of its encoded training portraits; without it,
            those of the mapping network's random face of that seed.

    Example:
        >>> pipe = SketchToFacePipeline.from_pretrained("weights_card/s2fgan-synth-128")
        >>> out = pipe(sketch=Image.open("sketch.png"), attributes={"Smiling": 2.0}, style=7)
        >>> older = pipe.edit(out, {"Young": -3.0})
        >>> swapped = pipe.swap_regions(older, donor=pipe.random_face(seed=3), regions=["hair"])
    """

    _optional_components = ["style_bank"]

    def __init__(
        self,
        generator: RegionGenerator,
        mapping: MappingNetwork,
        sketch_encoder: SketchEncoder,
        image_encoder: ImageEncoder,
        attribute_mapper: AttributeMapper,
        style_bank: StyleBank | None = None,
    ) -> None:
        super().__init__()
        self.register_modules(
            generator=generator,
            mapping=mapping,
            sketch_encoder=sketch_encoder,
            image_encoder=image_encoder,
            attribute_mapper=attribute_mapper,
            style_bank=style_bank,
        )

    @classmethod
    def component_classes(cls) -> dict[str, type]:
        """The trained networks the pipeline is made of: name -> class, as the constructor
        names them (the optional StyleBank, built after training, is not among them)."""
        classes = typing.get_type_hints(cls.__init__)
        classes.pop("return", None)
        for name in cls._optional_components:
            classes.pop(name)
        return classes

    @classmethod
    def from_pretrained(cls, pretrained_model_name_or_path, **kwargs):
        """diffusers' loader (a saved folder or a Hub repo id), with a one-line
        `s2fgan.pipelines.checked_loading.LoadError` (an OSError) when it cannot load."""
        return load_checked(pretrained_model_name_or_path, super().from_pretrained, **kwargs)

    @property
    def has_style_bank(self) -> bool:
        """Whether colour styles and random faces come from a StyleBank (encoded training
        portraits) rather than from the mapping network."""
        return getattr(self, "style_bank", None) is not None

    @property
    def resolution(self) -> int:
        return self.generator.resolution

    # ---- tensor-level operations: the PIL methods below, `s2fgan eval` and the StyleBank
    # builder all run these, so that what the evaluation scores is what users get.

    def fit(self, images: torch.Tensor) -> torch.Tensor:
        """Images [B, C, H, W] at the pipeline's resolution, on its device and in its dtype."""
        return resize(images, self.resolution).to(self.device, self.dtype)

    @torch.no_grad()
    def encode_sketch(self, sketch: torch.Tensor) -> torch.Tensor:
        """Sketches [B, 1, H, W] in [0, 1] (white paper = 1, any size) -> codes ws
        [B, num_ws, w_dim]. A sketch that is empty by `s2fgan.data.sketch_input.empty_sketches`
        is refused (EmptySketchError)."""
        _check_batch(sketch, 1, "sketch")
        sketch = resize(sketch, self.resolution)
        empty = torch.nonzero(empty_sketches(sketch[:, 0])).flatten().tolist()
        if empty:
            raise EmptySketchError(
                f"sketch {empty[0]} is empty: draw the face with dark strokes on white paper"
            )
        return self.sketch_encoder(self.fit(sketch))

    @torch.no_grad()
    def encode_photo(self, photo: torch.Tensor) -> torch.Tensor:
        """Photos [B, 3, H, W] in [-1, 1] (any size) -> codes ws [B, num_ws, w_dim] (GAN
        inversion through the image encoder)."""
        _check_batch(photo, 3, "photo")
        return self.image_encoder(self.fit(photo))

    @torch.no_grad()
    def edit_ws(self, ws: torch.Tensor, attributes: Mapping[str, float] | None) -> torch.Tensor:
        """Codes with the given attribute strengths ({name: strength in [-4, 4]}) set; the
        other strengths keep their values."""
        ws = ws.to(self.device, self.dtype)
        if not attributes:
            return ws
        return self.attribute_mapper.edit(ws, dict(attributes))

    @torch.no_grad()
    def swap_ws(
        self,
        ws: torch.Tensor,
        donor_ws: torch.Tensor,
        regions: Sequence[str],
        parts: Sequence[str] = PARTS,
    ) -> torch.Tensor:
        """Codes ws [B, num_ws, w_dim] with the given regions' shape and/or texture slots
        taken from donor_ws (one code, or B codes).

        Args:
            ws: the codes to change.
            donor_ws: [1 or B, num_ws, w_dim] the codes to take from.
            regions: region names, see `s2fgan.constants.REGIONS`.
            parts: "shape", "texture" or both.
        """
        if isinstance(regions, str):
            regions = [regions]
        if not regions:
            raise ValueError("choose at least one region to swap")
        ws = ws.to(self.device, self.dtype)
        return self.generator.layout.copy_slots(ws, donor_ws, regions, parts)

    @torch.no_grad()
    def style_ws(self, ws: torch.Tensor, styles: Sequence[int]) -> torch.Tensor:
        """Codes with the colours (texture slots) of style styles[b] for code b; every region's
        layout stays. A style is a StyleBank portrait's colours when the pipeline has one,
        else those of the mapping network's random face of that number (`random_ws`)."""
        styles = list(styles)
        if self.has_style_bank:  # the bank checks the styles and their count itself
            return self.style_bank.apply(ws.to(self.device, self.dtype), styles)
        # swap_ws would spread a single donor over every code: one style per code is required
        styles = check_seeds(styles, codes=ws.shape[0], what="style")
        return self.swap_ws(ws, self.random_ws(styles), REGIONS, ("texture",))

    @torch.no_grad()
    def random_ws(self, seeds: Sequence[int], truncation: float = 0.7) -> torch.Tensor:
        """Codes of the mapping network's faces, one per seed (fixed by it), pulled towards
        the mean code by `truncation` (1: none)."""
        z = torch.cat(
            [self.mapping.sample_z(1, torch.Generator().manual_seed(int(seed))) for seed in seeds]
        )
        return self.mapping.truncate(self.mapping(z.to(self.device, self.dtype)), truncation)

    @torch.no_grad()
    def render(self, ws: torch.Tensor) -> RenderOutput:
        """Codes ws [B, num_ws, w_dim] -> images [B, 3, R, R] in [-1, 1] (float32) and region
        maps [B, R, R] (region ids), on the pipeline's device."""
        out = self.generator(ws.to(self.device, self.dtype))
        return RenderOutput(images=out.image.float().clamp(-1, 1), masks=out.segmentation.argmax(1))

    # ---- PIL in, PIL out

    def _styled(self, ws: torch.Tensor, style: int | None) -> torch.Tensor:
        """ws in style `style + b` for code b; unchanged when style is None."""
        if style is None:
            return ws
        check_seeds([style], what="style")
        return self.style_ws(ws, [int(style) + b for b in range(ws.shape[0])])

    def _sketches(
        self, sketch: ImageSource | Sequence[ImageSource], prepare: bool = True
    ) -> torch.Tensor:
        sketches = sketch if isinstance(sketch, list | tuple) else [sketch]
        if not sketches:
            raise ValueError("no sketch given")
        size = self.resolution
        if prepare:
            return torch.cat([prepare_sketch(s, size) for s in sketches])
        return torch.cat([resize(_checked(sketch_to_tensor(s), "sketch"), size) for s in sketches])

    def _photos(self, photo: ImageSource | Sequence[ImageSource]) -> torch.Tensor:
        photos = photo if isinstance(photo, list | tuple) else [photo]
        if not photos:
            raise ValueError("no photo given")
        size = self.resolution
        return torch.cat([resize(_checked_photo(image_to_tensor(p)), size) for p in photos])

    @_style_not_seed("pipe.synthesize(ws, {})")
    def synthesize(self, ws: torch.Tensor, style: int | None = None) -> FaceOutput:
        """Render codes ws [B, num_ws, w_dim] into a FaceOutput labelled with `style` (the
        colour style the codes wear; it does not repaint them: see `restyle`)."""
        return self._face(ws, style)

    @torch.no_grad()
    def _face(self, ws: torch.Tensor, style: int | None, seed: int | None = None) -> FaceOutput:
        """Render codes into a FaceOutput with its colour style and identity seed."""
        rendered = self.render(ws)
        masks = []
        for m in rendered.masks.to(torch.uint8).cpu().numpy():
            mask = Image.fromarray(m, mode="P")
            mask.putpalette(_PALETTE)
            masks.append(mask)
        strengths = self.attribute_mapper.strengths(ws.to(self.device, self.dtype)).float().cpu()
        return FaceOutput(
            images=[Image.fromarray(p) for p in image_to_uint8(rendered.images)],
            masks=masks,
            ws=ws.detach(),
            attributes=[dict(zip(ATTRIBUTES, s.tolist(), strict=True)) for s in strengths],
            style=style,
            seed=seed,
        )

    @torch.no_grad()
    @_style_not_seed("pipe(sketch, {})")
    def __call__(
        self,
        sketch: ImageSource | Sequence[ImageSource],
        attributes: Mapping[str, float] | None = None,
        style: int | None = None,
        prepare: bool = True,
    ) -> FaceOutput:
        """Portraits from sketches (PIL of any size and mode, paths or arrays).

        By default a sketch is prepared as `s2fgan.data.sketch_input.prepare_sketch` does:
        transparency becomes white paper, an inverted (light on dark) drawing is turned
        around, grey or unevenly lit paper is flattened to white and pencil-grey strokes are
        stretched to black, and the drawing's ink is scaled and moved into the place where
        the training sketches draw a head, so a small face in one corner of the page is
        drawn as a whole portrait. `out.sketches` shows what the encoder received.

        Args:
            sketch: one sketch or a list (dark strokes on light paper, or light on dark).
            attributes: {name: strength in [-4, 4]} applied to every portrait.
            style: the colours: portrait b takes style `style + b` of the StyleBank (hair,
                skin, clothes, background...; the layout stays the sketch's). None: the
                sketch encoder's own colours, the same for every sketch.
            prepare: False takes the sketch as it is (only resized), for sketches that are
                already clean and framed like the training data.

        Raises:
            ValueError: a sketch with no strokes, or one that is mostly ink (a black or
                filled page).
        """
        sketches = self._sketches(sketch, prepare)
        ws = self._styled(self.encode_sketch(sketches), style)
        out = self._face(self.edit_ws(ws, attributes), style)
        out.sketches = [sketch_to_pil(s) for s in sketches]
        return out

    @torch.no_grad()
    @_style_not_seed("pipe.restyle(result, {})")
    def restyle(self, result: FaceOutput, style: int) -> FaceOutput:
        """A result with the colours of style `style` (no re-encoding; every region's layout
        stays)."""
        return self._face(self._styled(result.ws, style), style, result.seed)

    @torch.no_grad()
    @_style_not_seed("pipe.from_photo(photo, {})")
    def from_photo(
        self,
        photo: ImageSource | Sequence[ImageSource],
        attributes: Mapping[str, float] | None = None,
        style: int | None = None,
    ) -> FaceOutput:
        """Portraits from photos, through the image encoder (GAN inversion); `style` repaints
        them as in `__call__` (None: the photo's own colours)."""
        ws = self._styled(self.encode_photo(self._photos(photo)), style)
        return self._face(self.edit_ws(ws, attributes), style)

    @torch.no_grad()
    def edit(self, result: FaceOutput, attributes: Mapping[str, float]) -> FaceOutput:
        """Set attribute strengths on a result's cached code (no re-encoding)."""
        return self._face(self.edit_ws(result.ws, attributes), result.style, result.seed)

    @torch.no_grad()
    def swap_regions(
        self,
        result: FaceOutput,
        donor: FaceOutput,
        regions: Sequence[str],
        parts: Sequence[str] = PARTS,
    ) -> FaceOutput:
        """Take the given regions' shape and/or texture codes from the donor.

        Args:
            result: the face to change ([B] codes).
            donor: the face to take from (one code, or as many as result).
            regions: region names, see `s2fgan.constants.REGIONS`.
            parts: "shape", "texture" or both.
        """
        ws = self.swap_ws(result.ws, donor.ws, regions, parts)
        return self._face(ws, result.style, result.seed)

    @torch.no_grad()
    def random_face(self, seed: int, truncation: float = 0.7) -> FaceOutput:
        """A random face (e.g. a swap donor), fixed by its identity seed: face `seed` of the
        StyleBank when the pipeline has one, else a face of the mapping network (`truncation`
        applies to these only). Its colours are those of style `seed` (at the default
        truncation)."""
        check_seeds([seed])
        if self.has_style_bank:
            ws = self.style_bank.faces([int(seed)])
        else:
            ws = self.random_ws([int(seed)], truncation)
        return self._face(ws, int(seed), int(seed))
