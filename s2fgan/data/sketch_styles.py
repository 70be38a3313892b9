"""Drawing styles of the synthetic sketches, and the framing of the head on the page.

People draw faces in many ways: some trace every contour, most draw an oval with circles for
eyes, some draw with a mouse, a thick marker, or leave half the face out. Each style here
draws from the painted portrait's own shapes (the signed distances its parts recorded in
`Frame.shapes`) and hides what the portrait hides (`Canvas.visibility`), so its strokes lie
on the borders of the portrait's mask, which stays the ground truth of every style.

Styles (`SKETCH_STYLES`):
    drawn    the engine's hand: every visible contour, interior strokes, varying pressure.
    xdog     `photo_to_sketch` of the rendered portrait, as for an uploaded photo.
    outline  a non-artist's drawing: an oval, circles / almonds / dots for eyes, one stroke
             per brow, a line, L or two dots for the nose, one curve for the mouth, the hair's
             outline or a single arc; ears, neck and shoulders now and then; no shading.
    mouse    the outline drawing as a mouse or touchpad draws it on a canvas: polylines of
             near-constant width (1-3 px at 128 px), corners cut, a small tremor.
    marker   the outline drawing in a thick marker (2.5-4% of the side), blobby stroke ends.
    sparse   the outline drawing with whole parts left out: no hair, no ears, one eye or a
             brow missing, the face outline left open.
    heldout  for evaluation only, never for training (see `s2fgan.data.heldout_sketch`).

A style is chosen by name, or per portrait from weights (`{"drawn": 0.5, "mouse": 0.5}`);
the seed's `sketch_kind` draw picks the style, so a portrait keeps its style in any batch.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F

from s2fgan.data import sdf
from s2fgan.data.painter import Frame
from s2fgan.data.portrait_factors import PortraitDraws

logger = logging.getLogger(__name__)

HELDOUT_STYLE = "heldout"
SKETCH_STYLES = ("drawn", "xdog", "outline", "mouse", "marker", "sparse", HELDOUT_STYLE)
# Every style training may use; "all" mixes them with equal weights.
TRAINING_STYLES = tuple(s for s in SKETCH_STYLES if s != HELDOUT_STYLE)
# Names that stand for a mix. "mixed" is the engine's first mix (XDoG for the 30% of the
# seeds whose sketch_kind is below 0.3), kept as it was because training configs use it.
NAMED_MIXES: dict[str, tuple[tuple[str, float], ...]] = {
    "mixed": (("xdog", 0.3), ("drawn", 0.7)),
    "all": tuple((s, 1.0 / len(TRAINING_STYLES)) for s in TRAINING_STYLES),
}
# Head size on the page relative to the engine's default framing, when framing is on.
DEFAULT_FRAMING = (0.7, 1.6)


def parse_sketch_style(
    sketch_style: str | Mapping[str, float],
) -> tuple[tuple[str, float], ...]:
    """A style name, a named mix or {style: weight} -> ((style, weight), ...) summing to 1.

    Raises:
        ValueError: an unknown style, a negative or all-zero weight, or the held-out style
            mixed with others (it is kept for evaluation; render it on its own).
    """
    if isinstance(sketch_style, str):
        if sketch_style in NAMED_MIXES:
            return NAMED_MIXES[sketch_style]
        if sketch_style not in SKETCH_STYLES:
            raise ValueError(
                f"sketch_style must be one of {SKETCH_STYLES + tuple(NAMED_MIXES)} or a mapping "
                f"{{style: weight}}, got {sketch_style!r}"
            )
        return ((sketch_style, 1.0),)
    if not isinstance(sketch_style, Mapping) or not sketch_style:
        raise ValueError(
            f"sketch_style must be a name or a {{style: weight}} mapping, got {sketch_style!r}"
        )
    for name, weight in sketch_style.items():
        if name not in SKETCH_STYLES:
            raise ValueError(
                f"unknown sketch style {name!r} in sketch_style; known: {SKETCH_STYLES}"
            )
        if not (isinstance(weight, int | float) and math.isfinite(weight) and weight >= 0):
            raise ValueError(f"sketch style weight of {name!r} must be >= 0, got {weight!r}")
    used = {k: float(w) for k, w in sketch_style.items() if w > 0}
    if not used:
        raise ValueError("sketch_style weights are all zero: give at least one positive weight")
    if HELDOUT_STYLE in used and len(used) > 1:
        raise ValueError(
            f"sketch style {HELDOUT_STYLE!r} is held out for evaluation and cannot be mixed with "
            "training styles; render it on its own with sketch_style='heldout'"
        )
    total = sum(used.values())
    return tuple((k, w / total) for k, w in used.items())


def check_training_styles(sketch_style: str | Mapping[str, float]) -> None:
    """Raise ValueError if a sketch_style meant for training uses the held-out style."""
    if any(name == HELDOUT_STYLE for name, _ in parse_sketch_style(sketch_style)):
        raise ValueError(
            f"sketch style {HELDOUT_STYLE!r} is held out for evaluation; training must not use it"
        )


def pick_styles(mix: tuple[tuple[str, float], ...], sketch_kind: torch.Tensor) -> torch.Tensor:
    """[N] index into `mix` of each portrait's style, from its `sketch_kind` draw in [0, 1)."""
    bounds = torch.tensor([w for _, w in mix]).cumsum(0)
    # sketch_kind < bounds[i] picks style i; the last bound is 1 up to rounding.
    pick = (sketch_kind.view(-1, 1) >= bounds.view(1, -1)).sum(1)
    return pick.clamp_max(len(mix) - 1)


def parse_framing(framing: bool | tuple[float, float]) -> tuple[float, float] | None:
    """framing=False -> None; True -> DEFAULT_FRAMING; (low, high) -> that scale range."""
    if framing is False or framing is None:
        return None
    if framing is True:
        return DEFAULT_FRAMING
    try:
        low, high = (float(x) for x in framing)
    except (TypeError, ValueError):
        raise ValueError(f"framing must be True, False or (low, high), got {framing!r}") from None
    if not 0.3 <= low <= high <= 2.5:
        raise ValueError(
            f"framing scale range must satisfy 0.3 <= low <= high <= 2.5, got {framing!r}"
        )
    return low, high


def apply_framing(draws: PortraitDraws, scale_range: tuple[float, float]) -> PortraitDraws:
    """Scale and shift each head on the page, from the seed's framing draws.

    The head is painted at the new place (not resampled afterwards), so the image, the mask
    and every sketch style move together and stay sharp. The scale is log-uniform in
    `scale_range` times the default framing; the centre moves as far as keeps most of the head
    on the page, further for small heads.
    """
    st, f = draws.style, draws.factors
    low, high = math.log(scale_range[0]), math.log(scale_range[1])
    zoom = torch.exp(low + st["frame_scale"] * (high - low))
    scale = f["scale"] * zoom
    # Half extents of head and hair in image units are about 1.2 and 1.5 face half-widths.
    room_x = (0.95 - 1.2 * scale).clamp_min(0.0)
    room_y = (0.9 - 1.4 * scale).clamp_min(0.0)
    factors = dict(f)
    factors["scale"] = scale
    factors["center_x"] = (st["frame_x"] * 2 - 1) * room_x
    factors["center_y"] = f["center_y"] * zoom.clamp_max(1.0) + (st["frame_y"] * 2 - 1) * room_y
    return replace(draws, factors=factors)


# ---- strokes from shapes


@dataclass
class _Stroke:
    """One thing a person draws.

    part: the painted part it belongs to (hides it where parts in front cover that part).
    d: [N, H, W] field in head units whose zero set is the stroke's path.
    extent: [N, H, W] head units from the nearer end of an open stroke (> 0 on it), or None.
    fill: a filled dot (the inside of d) instead of a line along d = 0.
    keep: [N, 1, 1] 1 where the portrait's drawing has this stroke.
    """

    part: str
    d: torch.Tensor
    extent: torch.Tensor | None = None
    fill: bool = False
    keep: torch.Tensor | None = None


def _side(fr: Frame) -> torch.Tensor:
    return torch.sign(fr.X - fr.fx)


def _face_strokes(fr: Frame, st: dict[str, torch.Tensor], sparse: bool, frac) -> list[_Stroke]:
    """The face as an oval; sparse drawings leave it open somewhere."""
    X, Y = fr.X, fr.Y
    extent = None
    if sparse:
        theta = torch.atan2(X, Y)  # 0 at the chin, +-pi at the crown
        centre = (st["gap_angle"] * 2 - 1) * 2.4
        half = 0.35 + 0.3 * frac(7)
        gap = torch.remainder(theta - centre + math.pi, 2 * math.pi) - math.pi
        extent = (gap.abs() - half) * 1.2
    return [_Stroke("face", fr.face_d, extent)]


def _hair_strokes(fr: Frame, st: dict[str, torch.Tensor], sparse: bool, one) -> list[_Stroke]:
    """The hair's outline (outer edge and hairline), or one arc over the head."""
    sh = fr.shapes
    hair_keep = (st["drop_part"] >= 0.5).float() if sparse else one
    arc = (st["hair_kind"] >= 0.6).float()
    return [
        _Stroke("hair_back", sh["hair_back"], keep=hair_keep * (1 - arc)),
        _Stroke("hair_front", sh["hairline"], extent=-fr.face_d, keep=hair_keep * (1 - arc)),
        _Stroke("hair_back", sh["hair_cap"], extent=(fr.ey - 0.35) - fr.Y, keep=hair_keep * arc),
    ]


def _eye_strokes(
    fr: Frame, st: dict[str, torch.Tensor], sparse: bool, marker: bool, frac, one
) -> list[_Stroke]:
    """Eyes as circles, almonds with a pupil, or dots; sparse drawings may miss one."""
    f, sh = fr.f, fr.shapes
    kind = st["eye_kind"]
    ew, eh = f["eye_width"], sh["eye_half_height"]
    eye_keep = one
    if sparse:
        missing = torch.where(st["drop_side"] < 0.5, -1.0, 1.0).view(-1, 1, 1)
        one_eye = (frac(4) < 0.5).float()
        eye_keep = 1 - one_eye * (_side(fr) == missing).float()
    circle = (kind < 0.35).float() * eye_keep
    almond = ((kind >= 0.35) & (kind < 0.75)).float() * eye_keep
    dots = (kind >= 0.75).float() * eye_keep
    # A thick marker has no room for a pupil inside the eye's outline.
    pupil_keep = torch.zeros_like(one) if marker else circle + almond
    return [
        _Stroke("eyes", sdf.circle(fr.xe, sh["eye_y"], 0.35 * ew + 0.5 * eh), keep=circle),
        _Stroke("eyes", sh["eyes"], keep=almond),
        _Stroke("eyes", sh["pupil"], fill=True, keep=pupil_keep),
        _Stroke("eyes", sh["pupil"] - 0.07 * ew, fill=True, keep=dots),
    ]


def _brow_and_nose_strokes(
    fr: Frame, st: dict[str, torch.Tensor], sparse: bool, frac, one
) -> list[_Stroke]:
    """One stroke per brow; the nose as a line, an L, two dots or its lower outline."""
    f, sh, Y = fr.f, fr.shapes, fr.Y
    brow_keep = (frac(16) >= 0.3).float() if sparse else one
    brow_extent = (1 - sh["brow_t"].abs()) * 0.22
    kind = st["nose_kind"]
    nose_keep = (frac(64) >= 0.25).float() if sparse else one
    xn, hw = sh["nose_x"], sh["nose_half_width"]
    top, bottom = fr.nose_top, fr.nose_bottom
    line = torch.minimum(Y - (top + 0.12), bottom - 0.02 - Y)
    is_line = (kind < 0.55).float() * nose_keep
    is_l = ((kind >= 0.3) & (kind < 0.55)).float() * nose_keep
    is_dots = ((kind >= 0.55) & (kind < 0.8)).float() * nose_keep
    is_lower = (kind >= 0.8).float() * nose_keep
    toward = torch.where(f["yaw"] > 0, 1.0, -1.0)
    foot = torch.minimum(xn * toward, hw * 0.9 - xn * toward)
    return [
        _Stroke("brows", sh["brow_line"], extent=brow_extent, keep=brow_keep),
        _Stroke("nose", xn, extent=line, keep=is_line),
        _Stroke("nose", Y - (bottom - 0.01), extent=foot, keep=is_l),
        _Stroke("nose", sh["nostrils"] + 0.005, fill=True, keep=is_dots),
        _Stroke("nose", sh["nose"], extent=Y - (bottom - 0.1), keep=is_lower),
    ]


def _mouth_strokes(fr: Frame, st: dict[str, torch.Tensor]) -> list[_Stroke]:
    """The mouth as one curve (full or short) or the lower lip's curve."""
    sh = fr.shapes
    kind = st["mouth_kind"]
    xm, mw = sh["mouth_x"], fr.mw
    reach = torch.where(kind < 0.45, 1.0, 0.75) * mw
    return [
        _Stroke("mouth", sh["mouth_line"], extent=reach - xm.abs(), keep=(kind < 0.75).float()),
        _Stroke("mouth", sh["mouth"], extent=sh["mouth_line"] - 0.01, keep=(kind >= 0.75).float()),
    ]


def _surround_strokes(fr: Frame, st: dict[str, torch.Tensor], sparse: bool, one) -> list[_Stroke]:
    """Ears, neck and shoulders now and then (never in sparse drawings); what an attribute or
    the portrait puts on the head is always drawn."""
    sh = fr.shapes
    never = torch.zeros_like(one)
    ear_out = fr.X.abs() - (fr.w0 + 0.03)
    ears_keep = never if sparse else (st["ears_drawn"] < 0.4).float()
    neck_keep = never if sparse else (st["neck_drawn"] < 0.35).float()
    cloth_keep = never if sparse else (st["shoulders_drawn"] < 0.3).float()
    return [
        _Stroke("ears", sh["ears"], extent=ear_out, keep=ears_keep),
        _Stroke("neck", sh["neck"], extent=(fr.ry + 0.9) - fr.Y, keep=neck_keep),
        _Stroke("cloth", sh["cloth"], keep=cloth_keep),
        _Stroke("eyeglasses", sh["eyeglasses"]),
        _Stroke("hat", sh["hat"]),
    ]


def _naive_strokes(
    fr: Frame, st: dict[str, torch.Tensor], sparse: bool, marker: bool
) -> list[_Stroke]:
    """What a non-artist draws of the portrait, from its shapes."""
    one = torch.ones_like(fr.f["yaw"])
    drop = st["drop_part"]

    def frac(k: float) -> torch.Tensor:  # independent-ish bits of one draw
        return torch.remainder(drop * k, 1.0)

    return [
        *_face_strokes(fr, st, sparse, frac),
        *_hair_strokes(fr, st, sparse, one),
        *_eye_strokes(fr, st, sparse, marker, frac, one),
        *_brow_and_nose_strokes(fr, st, sparse, frac, one),
        *_mouth_strokes(fr, st),
        *_surround_strokes(fr, st, sparse, one),
    ]


def _field_noise(draws_style: dict[str, torch.Tensor], size: int) -> torch.Tensor:
    """The stroke-noise lattice upsampled to [N, 4, size, size] in about [-1, 1]."""
    lattice = draws_style["stroke_noise"] * 2 - 1
    return F.interpolate(lattice, size=(size, size), mode="bicubic", align_corners=True)


def _wobble(ink: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Move ink [N, H, W] by a displacement field [N, 2, H, W] in image units."""
    n, h, w = ink.shape
    coords = (torch.arange(h, dtype=torch.float32) + 0.5) / h * 2 - 1
    grid = torch.stack(torch.meshgrid(coords, coords, indexing="xy"), dim=-1).expand(n, h, w, 2)
    grid = grid + shift.permute(0, 2, 3, 1)
    out = F.grid_sample(
        ink.unsqueeze(1), grid, mode="bilinear", padding_mode="border", align_corners=False
    )
    return out.squeeze(1)


def _polylines(fields: torch.Tensor, cell: float, angle: torch.Tensor, phase: torch.Tensor):
    """Straighten the zero sets of fields [N, C, H, W] into polylines with cut corners.

    The fields are sampled on a lattice of `cell` pixels (turned by `angle` [N], shifted by
    `phase` [N] cells) and interpolated back bilinearly: between lattice points a contour
    becomes a straight segment, as a mouse drag between two sampled positions does.
    """
    n, c, h, w = fields.shape
    k = int(math.ceil(1.5 * max(h, w) / cell)) + 3
    idx = torch.arange(k, dtype=torch.float32) - (k - 1) / 2
    a = (idx.view(1, 1, k) + phase.view(n, 1, 1)) * cell  # lattice x', pixels from centre
    b = (idx.view(1, k, 1) + phase.view(n, 1, 1)) * cell  # lattice y'
    cos, sin = torch.cos(angle).view(n, 1, 1), torch.sin(angle).view(n, 1, 1)
    x, y = cos * a - sin * b, sin * a + cos * b  # [N, k, k] pixels from the image centre
    grid = torch.stack((x / (w / 2), y / (h / 2)), dim=-1)
    coarse = F.grid_sample(
        fields, grid, mode="bilinear", padding_mode="border", align_corners=False
    )
    qx = (torch.arange(w, dtype=torch.float32) + 0.5 - w / 2).view(1, 1, w)
    qy = (torch.arange(h, dtype=torch.float32) + 0.5 - h / 2).view(1, h, 1)
    la = (cos * qx + sin * qy) / cell - phase.view(n, 1, 1) + (k - 1) / 2
    lb = (-sin * qx + cos * qy) / cell - phase.view(n, 1, 1) + (k - 1) / 2
    back = torch.stack((la / (k - 1) * 2 - 1, lb / (k - 1) * 2 - 1), dim=-1)
    return F.grid_sample(coarse, back, mode="bilinear", padding_mode="border", align_corners=True)


def naive_sketch(fr: Frame, draws: PortraitDraws, style: str) -> torch.Tensor:
    """The outline, mouse, marker or sparse drawing of a painted frame -> [N, 1, H, W]."""
    st = {k: v.view(-1, 1, 1) for k, v in draws.style.items() if k != "stroke_noise"}
    size, px = fr.size, fr.px
    unit = size / 128  # pen widths are given for a 128 px canvas
    strokes = _naive_strokes(fr, st, sparse=style == "sparse", marker=style == "marker")
    noise = _field_noise(draws.style, size)
    visible = fr.canvas.visibility()

    if style == "mouse":
        width = (1.0 + 2.0 * st["pen_width"]) * unit * px
        fields = torch.stack(
            [s.d for s in strokes] + [s.extent for s in strokes if s.extent is not None], 1
        )
        lattice = st["lattice"].view(-1)
        fields = _polylines(fields, 3.2 * unit, lattice * (math.pi / 2), torch.frac(lattice * 7))
        ds, rest = fields[:, : len(strokes)].unbind(1), list(fields[:, len(strokes) :].unbind(1))
        strokes = [
            replace(s, d=d, extent=None if s.extent is None else rest.pop(0))
            for s, d in zip(strokes, ds, strict=True)
        ]
        darkness = torch.ones_like(width)
    elif style == "marker":
        width = (0.02 + 0.015 * st["pen_width"]) * size * px
        darkness = 0.85 + 0.15 * st["pen_darkness"]
    else:
        width = (1.3 + 0.9 * st["pen_width"]) * unit * px
        darkness = 0.75 + 0.25 * st["pen_darkness"]

    ink = torch.zeros_like(fr.X)
    for s in strokes:
        if s.fill:
            line = sdf.coverage(s.d, px)
        elif style == "marker" and s.extent is not None:
            # The pen rests at both ends of a stroke and leaves a blob there.
            blob = torch.exp(-((s.extent / (1.5 * width)) ** 2))
            w = width * (1 + 0.7 * blob)
            line = sdf.stroke(s.d, w, px) * sdf.coverage(-(s.extent + 0.4 * w), px)
        else:
            line = sdf.stroke(s.d, width, px)
            if s.extent is not None:
                line = line * sdf.coverage(-s.extent, px)
        if s.keep is not None:
            line = line * s.keep
        ink = torch.maximum(ink, line * visible[s.part])
    ink = ink * darkness
    # The hand drifts slowly (low noise) and trembles (stroke noise), more so with a mouse.
    tremor = {"mouse": 0.009, "marker": 0.004}.get(style, 0.003)
    shift = 0.008 * fr.low[:, 4:6] + tremor * noise[:, 0:2]
    return 1 - _wobble(ink, shift).clamp(0, 1).unsqueeze(1)
