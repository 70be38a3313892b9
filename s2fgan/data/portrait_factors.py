"""The random draws behind one synthetic portrait, made deterministic by its seed.

Each portrait owns a `torch.Generator` seeded with its seed and always draws the same
fixed-size set of numbers in the same order: factor uniforms, attribute uniforms and noise
lattices. Nothing drawn depends on the attributes, so overriding an attribute (or flipping
one to make a counterfactual pair) leaves every other draw of the portrait unchanged, and
a portrait does not depend on the batch it is rendered in or on the resolution.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import torch

from s2fgan.constants import ATTRIBUTE_INDEX, ATTRIBUTES, NUM_ATTRIBUTES

# name, low, high: a factor is drawn uniformly in [low, high). Head units: the face is
# about 2 wide and 2.6 tall; image units: the image spans [-1, 1].
FACTOR_RANGES: tuple[tuple[str, float, float], ...] = (
    ("center_x", -0.06, 0.06),  # head centre, image units
    ("center_y", -0.05, 0.07),
    ("scale", 0.36, 0.42),  # half face width, image units
    ("roll", -0.16, 0.16),  # in-plane head rotation, radians
    ("yaw", -1.0, 1.0),  # small left/right turn: features shift sideways
    ("face_length", 1.22, 1.36),
    ("jaw_taper", 0.22, 0.42),
    ("eye_spacing", 0.35, 0.41),
    ("eye_y", -0.10, -0.02),
    ("eye_width", 0.19, 0.23),
    ("eye_tilt", -0.08, 0.10),
    ("gaze", -0.3, 0.3),
    ("iris_color", 0.0, 1.0),
    ("brow_gap", 0.20, 0.27),
    ("brow_arch", 0.015, 0.07),
    ("nose_length", 0.36, 0.44),
    ("mouth_gap", 0.18, 0.25),  # nose tip to mouth
    ("mouth_width", 0.28, 0.34),
    ("lip_hue", 0.0, 1.0),
    ("skin_tone", 0.0, 1.0),
    ("skin_blush", 0.0, 1.0),
    ("hair_color", 0.0, 1.0),
    ("hair_volume", 0.04, 0.20),
    ("hair_length", 0.0, 1.0),
    ("hair_parting", -0.45, 0.45),
    ("hair_wave", 0.0, 1.0),
    ("hairline", -1.00, -0.84),
    ("light_azimuth", -2.6, -0.5),  # radians; light from above-left to above-right
    ("light_elevation", 0.55, 1.15),
    ("ambient", 0.30, 0.48),
    ("light_warmth", -1.0, 1.0),
    ("bg_hue", 0.0, 1.0),
    ("bg_hue_shift", -0.25, 0.25),
    ("bg_saturation", 0.08, 0.5),
    ("bg_value", 0.25, 0.9),
    ("cloth_hue", 0.0, 1.0),
    ("cloth_saturation", 0.1, 0.8),
    ("cloth_value", 0.15, 0.85),
    ("neckline", 0.0, 1.0),
    ("hat", 0.0, 1.0),
    ("hat_hue", 0.0, 1.0),
    ("earring", 0.0, 1.0),
    ("earring_gold", 0.0, 1.0),
    ("glasses_frame", 0.0, 1.0),
    ("glasses_color", 0.0, 1.0),
    ("sketch_pressure", 0.0, 1.0),
    ("sketch_drop", 0.0, 1.0),
    ("sketch_kind", 0.0, 1.0),
)
FACTOR_NAMES = tuple(name for name, _, _ in FACTOR_RANGES)

# Lattice shapes [channels, size, size] of the value-noise fields, from coarse to fine.
NOISE_SHAPES: dict[str, tuple[int, int, int]] = {
    "low": (6, 5, 5),
    "mid": (6, 14, 14),
    "fine": (4, 40, 40),
}

# Draws of the sketch styles and the framing, uniform in [0, 1): they come after everything
# above in each seed's stream, so adding them changed no portrait.
STYLE_FACTOR_NAMES: tuple[str, ...] = (
    "frame_scale",  # head size on the page
    "frame_x",  # head position on the page
    "frame_y",
    "pen_width",
    "pen_darkness",
    "eye_kind",  # circles, almonds or dots
    "nose_kind",  # a line, an L, two dots or the lower outline
    "mouth_kind",
    "hair_kind",  # outline or a single arc
    "ears_drawn",
    "neck_drawn",
    "shoulders_drawn",
    "drop_part",  # sparse drawings: which parts are left out
    "drop_side",
    "gap_angle",  # sparse drawings: where the face outline stays open
    "lattice",  # polyline drawings: orientation and phase of the segment lattice
)
STYLE_NOISE_SHAPE = (4, 16, 16)  # hand tremor and pen pressure

# Prior probability that an attribute is +1. Beard (No_Beard = -1) and Mustache depend on
# the drawn sex, Bangs too; overriding Male later does not redraw them.
_PRIOR = {
    "Smiling": 0.5,
    "Male": 0.5,
    "Eyeglasses": 0.3,
    "Young": 0.7,
    "Narrow_Eyes": 0.3,
    "Pale_Skin": 0.25,
    "Big_Lips": 0.3,
    "Big_Nose": 0.3,
    "Chubby": 0.25,
}


@dataclass
class PortraitDraws:
    """Everything random about a batch of portraits.

    Attributes:
        factors: name -> [N] factor value (see FACTOR_RANGES).
        attributes: [N, 12] in {-1, +1} after overrides.
        noise: name -> [N, C, S, S] uniform lattices in [0, 1).
        seeds: [N] int64.
        style: STYLE_FACTOR_NAMES -> [N] uniforms, and "stroke_noise" [N, 4, 16, 16]: the
            draws of the sketch styles and the framing (the portrait itself ignores them).
    """

    factors: dict[str, torch.Tensor]
    attributes: torch.Tensor
    noise: dict[str, torch.Tensor]
    seeds: torch.Tensor
    style: dict[str, torch.Tensor] = field(default_factory=dict)


def _as_seeds(seeds: Sequence[int] | torch.Tensor) -> torch.Tensor:
    seeds = torch.as_tensor(seeds, dtype=torch.int64).flatten()
    if seeds.numel() == 0:
        raise ValueError("seeds is empty: ask for at least one portrait")
    if (seeds < 0).any():
        raise ValueError(f"seeds must be non-negative integers, got {seeds.min().item()}")
    return seeds


def _draw_attributes(u: torch.Tensor) -> torch.Tensor:
    """[N, 12] uniforms -> [N, 12] attributes in {-1, +1} with the engine's priors."""
    p = torch.zeros_like(u)
    for name, prob in _PRIOR.items():
        p[:, ATTRIBUTE_INDEX[name]] = prob
    male = u[:, ATTRIBUTE_INDEX["Male"]] < _PRIOR["Male"]
    beard_prob = torch.where(male, 0.35, 0.02)
    p[:, ATTRIBUTE_INDEX["No_Beard"]] = 1.0 - beard_prob
    p[:, ATTRIBUTE_INDEX["Mustache"]] = torch.where(male, 0.3, 0.02)
    p[:, ATTRIBUTE_INDEX["Bangs"]] = torch.where(male, 0.15, 0.4)
    return torch.where(u < p, 1.0, -1.0)


def parse_attributes(attributes: Mapping[str, float] | torch.Tensor | None, n: int) -> torch.Tensor:
    """Turn user overrides into an [N, 12] tensor: +1 / -1 where given, 0 = draw at random.

    Args:
        attributes: None, a mapping {name: +1 or -1} applied to every portrait, or a tensor
            [12] or [N, 12] with values in {-1, 0, +1}.
        n: the batch size.
    """
    if attributes is None:
        return torch.zeros(n, NUM_ATTRIBUTES)
    if isinstance(attributes, Mapping):
        out = torch.zeros(n, NUM_ATTRIBUTES)
        for name, value in attributes.items():
            if name not in ATTRIBUTE_INDEX:
                raise ValueError(f"unknown attribute {name!r}; known: {', '.join(ATTRIBUTES)}")
            if value not in (-1, 1):
                raise ValueError(f"attribute {name!r} must be +1 or -1, got {value!r}")
            out[:, ATTRIBUTE_INDEX[name]] = float(value)
        return out
    out = torch.as_tensor(attributes, dtype=torch.float32)
    if out.shape == (NUM_ATTRIBUTES,):
        out = out.expand(n, NUM_ATTRIBUTES)
    if out.shape != (n, NUM_ATTRIBUTES):
        raise ValueError(
            f"attributes tensor must have shape [{NUM_ATTRIBUTES}] or [{n}, {NUM_ATTRIBUTES}], "
            f"got {list(out.shape)}"
        )
    if not torch.isin(out, torch.tensor([-1.0, 0.0, 1.0])).all():
        raise ValueError("attributes tensor values must be -1, 0 (draw) or +1")
    return out.clone()


def draw(
    seeds: Sequence[int] | torch.Tensor,
    attributes: Mapping[str, float] | torch.Tensor | None = None,
) -> PortraitDraws:
    """Draw the factors, attributes and noise of each portrait from its own seed."""
    seeds = _as_seeds(seeds)
    n = seeds.numel()
    overrides = parse_attributes(attributes, n)
    num_factors = len(FACTOR_RANGES)
    uniforms, attr_uniforms = [], []
    lattices: dict[str, list[torch.Tensor]] = {k: [] for k in NOISE_SHAPES}
    style_uniforms, stroke_noise = [], []
    for seed in seeds.tolist():
        g = torch.Generator().manual_seed(seed)
        uniforms.append(torch.rand(num_factors, generator=g))
        attr_uniforms.append(torch.rand(NUM_ATTRIBUTES, generator=g))
        for name, shape in NOISE_SHAPES.items():
            lattices[name].append(torch.rand(shape, generator=g))
        style_uniforms.append(torch.rand(len(STYLE_FACTOR_NAMES), generator=g))
        stroke_noise.append(torch.rand(STYLE_NOISE_SHAPE, generator=g))
    u = torch.stack(uniforms)
    low = torch.tensor([lo for _, lo, _ in FACTOR_RANGES])
    high = torch.tensor([hi for _, _, hi in FACTOR_RANGES])
    values = low + u * (high - low)
    factors = {name: values[:, i] for i, name in enumerate(FACTOR_NAMES)}
    drawn = _draw_attributes(torch.stack(attr_uniforms))
    attrs = torch.where(overrides != 0, overrides, drawn)
    noise = {name: torch.stack(v) for name, v in lattices.items()}
    su = torch.stack(style_uniforms)
    style = {name: su[:, i] for i, name in enumerate(STYLE_FACTOR_NAMES)}
    style["stroke_noise"] = torch.stack(stroke_noise)
    return PortraitDraws(factors=factors, attributes=attrs, noise=noise, seeds=seeds, style=style)
