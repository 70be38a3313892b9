"""SyntheticPortraits: the procedural portrait engine every network of s2fgan learns from.

No face data set can be downloaded where s2fgan is built, so the engine paints its own:
each portrait is a stack of anti-aliased signed-distance shapes (background, hair, neck,
cloth, ears, face, nose, mouth, eyes, brows, hat, eyeglasses, earrings) in a head frame that
is shifted, scaled and rotated, shaded from a height field under a random light, with
value-noise textures (hair strands, skin, fabric, background). Alongside the photo-like
image it returns the 13-region mask (SemanticStyleGAN's classes), a hand-drawn-looking
sketch (contours and interior strokes with varying width, wobble and gaps) and the 12
S2FGAN attributes. Each attribute changes the portrait only inside the regions listed in
`ATTRIBUTE_REGIONS`, so flipping one attribute of a seed gives a clean counterfactual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from s2fgan.constants import ATTRIBUTES, REGION_INDEX
from s2fgan.data import sdf
from s2fgan.data.batch import PortraitBatch
from s2fgan.data.canvas import Canvas, hsv_to_rgb, palette
from s2fgan.data.portrait_factors import PortraitDraws, draw

SKETCH_STYLES = ("drawn", "xdog", "mixed")

_SKIN_TONES = [
    (0.98, 0.86, 0.76),
    (0.93, 0.76, 0.63),
    (0.82, 0.62, 0.47),
    (0.64, 0.45, 0.32),
    (0.42, 0.28, 0.20),
]
_PALE = (0.98, 0.91, 0.87)
_HAIR_COLORS = [
    (0.07, 0.06, 0.06),
    (0.22, 0.14, 0.09),
    (0.42, 0.27, 0.15),
    (0.55, 0.24, 0.11),
    (0.74, 0.58, 0.34),
    (0.90, 0.80, 0.55),
]
_GREY_HAIR = (0.78, 0.78, 0.80)
_IRIS_COLORS = [
    (0.22, 0.13, 0.07),
    (0.40, 0.25, 0.12),
    (0.42, 0.45, 0.20),
    (0.25, 0.45, 0.35),
    (0.30, 0.50, 0.70),
    (0.50, 0.55, 0.62),
]


def _col(rgb: torch.Tensor) -> torch.Tensor:
    """[N, 3] -> [N, 3, 1, 1] for painting a flat colour."""
    return rgb.view(-1, 3, 1, 1)


class SyntheticPortraits(Dataset):
    """Procedural portraits with masks, sketches and attributes, deterministic by seed.

    Args:
        resolution: output size in pixels, 64 to 512.
        sketch_style: "drawn" (hand-drawn-looking strokes from the scene's shapes), "xdog"
            (`photo_to_sketch` of the rendered portrait, as for uploaded photos) or "mixed"
            (xdog for about 30% of the portraits, decided by the seed).
        length: number of items when used as a `torch.utils.data.Dataset`.
        seed_offset: item i of the dataset is the portrait of seed `seed_offset + i`.
        compile: render through `torch.compile` (about 2.5x faster on CPU after a one-off
            compilation of about a minute; worth it for training, not for a few images).
            Batches are rendered in fixed chunks of `chunk_size` so it compiles once.
        chunk_size: portraits per compiled call.

    Example:
        >>> engine = SyntheticPortraits(resolution=128)
        >>> batch = engine.render(seeds=range(16), attributes={"Smiling": 1})
        >>> batch.image.shape, batch.mask.shape, batch.sketch.shape
        (torch.Size([16, 3, 128, 128]), torch.Size([16, 128, 128]), torch.Size([16, 1, 128, 128]))
    """

    def __init__(
        self,
        resolution: int = 128,
        sketch_style: str = "drawn",
        length: int = 100_000,
        seed_offset: int = 0,
        compile: bool = False,
        chunk_size: int = 32,
    ) -> None:
        if not isinstance(resolution, int) or not 64 <= resolution <= 512:
            raise ValueError(f"resolution must be an integer from 64 to 512, got {resolution!r}")
        if sketch_style not in SKETCH_STYLES:
            raise ValueError(f"sketch_style must be one of {SKETCH_STYLES}, got {sketch_style!r}")
        if length < 1 or seed_offset < 0:
            raise ValueError("length must be positive and seed_offset non-negative")
        self.resolution = resolution
        self.sketch_style = sketch_style
        self.length = length
        self.seed_offset = seed_offset
        self.chunk_size = chunk_size
        self._render = torch.compile(_render, dynamic=False) if compile else None

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        if not 0 <= index < self.length:
            raise IndexError(f"index {index} out of range for {self.length} portraits")
        batch = self.render([self.seed_offset + index])
        return {
            "image": batch.image[0],
            "mask": batch.mask[0],
            "sketch": batch.sketch[0],
            "attributes": batch.attributes[0],
            "seed": batch.seeds[0],
        }

    @torch.no_grad()
    def render(
        self,
        seeds: Sequence[int] | torch.Tensor,
        attributes: Mapping[str, float] | torch.Tensor | None = None,
    ) -> PortraitBatch:
        """Render one portrait per seed.

        Args:
            seeds: N non-negative integers; the same seed always gives the same portrait.
            attributes: None (all drawn from the seed), a mapping {name: +1/-1} applied to
                every portrait, or a tensor [12] / [N, 12] with -1/+1 to force and 0 to draw.
                Forcing an attribute changes nothing else about the portrait.

        Returns:
            PortraitBatch with image [N,3,H,W] in [-1,1], mask [N,H,W], sketch [N,1,H,W] in
            [0,1], attributes [N,12] in {-1,+1}, factors {name: [N]} and seeds [N].
        """
        draws = draw(seeds, attributes)
        if self._render is None:
            image, mask, sketch = _render(draws, self.resolution)
        else:
            image, mask, sketch = self._render_compiled(draws.seeds, draws.attributes)
        if self.sketch_style != "drawn":
            from s2fgan.data.photo_to_sketch import photo_to_sketch

            xdog = photo_to_sketch(image)
            if self.sketch_style == "xdog":
                sketch = xdog
            else:
                use = (draws.factors["sketch_kind"] < 0.3).view(-1, 1, 1, 1)
                sketch = torch.where(use, xdog, sketch)
        return PortraitBatch(
            image=image,
            mask=mask,
            sketch=sketch,
            attributes=draws.attributes,
            factors=draws.factors,
            seeds=draws.seeds,
        )

    def _render_compiled(self, seeds: torch.Tensor, attributes: torch.Tensor):
        n, k = seeds.numel(), self.chunk_size
        pad = (-n) % k
        seeds = torch.cat([seeds, seeds[-1:].expand(pad)])
        attributes = torch.cat([attributes, attributes[-1:].expand(pad, -1)])
        parts = [
            self._render(draw(seeds[i : i + k], attributes[i : i + k]), self.resolution)
            for i in range(0, n + pad, k)
        ]
        return tuple(torch.cat(p)[:n] for p in zip(*parts, strict=True))


def _noise(draws: PortraitDraws, size: int) -> dict[str, torch.Tensor]:
    """Upsample the value-noise lattices to [N, C, size, size] in about [-1, 1]."""
    return {
        name: F.interpolate(lat * 2 - 1, size=(size, size), mode="bicubic", align_corners=True)
        for name, lat in draws.noise.items()
    }


def _render(draws: PortraitDraws, size: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    n = draws.seeds.numel()
    f = {k: v.view(n, 1, 1) for k, v in draws.factors.items()}
    on = {
        name: (draws.attributes[:, i] > 0).float().view(n, 1, 1)
        for i, name in enumerate(ATTRIBUTES)
    }
    noise = _noise(draws, size)
    low, mid, fine = noise["low"], noise["mid"], noise["fine"]

    # Image coordinates u (right), v (down) in [-1, 1] at pixel centres.
    coords = (torch.arange(size, dtype=torch.float32) + 0.5) / size * 2 - 1
    u, v = coords.view(1, 1, size), coords.view(1, size, 1)
    # Head frame: X right, Y down, face half-width 1.
    scale = f["scale"]
    cos, sin = torch.cos(f["roll"]), torch.sin(f["roll"])
    du, dv = u - f["center_x"], v - f["center_y"]
    X = (cos * du + sin * dv) / scale
    Y = (-sin * du + cos * dv) / scale
    px = (2.0 / size) / scale  # one pixel in head units, [N, 1, 1]

    male, chubby, smile = on["Male"], on["Chubby"], on["Smiling"]
    old = 1 - on["Young"]
    sk = _Sketcher(f, mid, fine, px)
    canvas = Canvas(n, size)

    # ---- background: two-colour value noise, a vertical gradient and fine texture
    c1 = hsv_to_rgb(
        draws.factors["bg_hue"], draws.factors["bg_saturation"], draws.factors["bg_value"]
    )
    c2 = hsv_to_rgb(
        draws.factors["bg_hue"] + draws.factors["bg_hue_shift"],
        draws.factors["bg_saturation"] * 0.8,
        draws.factors["bg_value"] * 0.7,
    )
    t = (0.5 + 0.45 * low[:, 0] + 0.25 * v).clamp(0, 1).unsqueeze(1)
    bg = _col(c1) + t * (_col(c2) - _col(c1))
    bg = bg * (1 + 0.07 * mid[:, 3:4] + 0.03 * fine[:, 2:3])
    canvas.paint(torch.ones_like(X), bg, height=0.0, gloss=0.0, region=REGION_INDEX["background"])

    # ---- shared face geometry
    ry = f["face_length"]
    lower = (Y / ry).clamp(0, 1)
    cheek = chubby * (0.13 * torch.exp(-(((Y - 0.3) / 0.45) ** 2)) + 0.05)
    jaw = male * 0.10 * torch.exp(-(((Y - 0.85) / 0.3) ** 2))
    taper = f["jaw_taper"] * (1 - 0.45 * male)
    width = 1 + cheek + jaw - taper * lower * lower
    face_d = sdf.ellipse(X / width, Y, 1.0, ry) * width
    w0 = 1 + chubby * (0.13 * torch.exp(torch.tensor(-((0.35 / 0.45) ** 2))) + 0.05)
    fx = f["yaw"] * 0.09  # features slide sideways when the head turns
    ey = f["eye_y"]

    skin = palette(_SKIN_TONES, draws.factors["skin_tone"])
    skin_pale = skin + 0.5 * on["Pale_Skin"].view(n, 1) * (torch.tensor(_PALE) - skin)
    hair_rgb = palette(_HAIR_COLORS, draws.factors["hair_color"])
    hair_rgb = hair_rgb + 0.85 * old.view(n, 1) * (torch.tensor(_GREY_HAIR) - hair_rgb)

    # ---- hair behind the head: a cap, plus long hair for most women
    vol = f["hair_volume"] * (1 - 0.5 * male)
    cap = sdf.ellipse(X, Y + 0.3, 1.1 + vol, 1.12 + vol + (ry - 1.3))
    cap = torch.maximum(cap, Y - (ey + 0.02 + 0.4 * (1 - male)))
    long_bottom = 0.45 + 1.9 * f["hair_length"]
    long_hair = sdf.rounded_box(
        X,
        Y - (long_bottom - 0.3) / 2,
        1.12 + vol + 0.06 * Y.clamp(0),
        (long_bottom + 0.3) / 2,
        0.35,
    )
    back_d = torch.where(male > 0, cap, sdf.smooth_union(cap, long_hair, 0.2))
    hair_col, hair_h, strands = _hair_texture(X, Y, f, mid, fine, hair_rgb)
    dome = 0.35 * torch.sqrt((1 - (X / 1.25) ** 2 - ((Y + 0.3) / 1.5) ** 2).clamp_min(0))
    back_alpha = sdf.coverage(back_d, px)
    canvas.paint(
        back_alpha,
        hair_col,
        height=(dome * 0.7 + hair_h) * sdf.smoothstep(0, 0.25, -back_d),
        gloss=0.25,
        region=REGION_INDEX["hair"],
        ink=sk.contour(back_d, 0.03) + sk.strands(strands, back_alpha),
    )

    # ---- neck and cloth
    neck_w = 0.5 + 0.08 * male + 0.06 * chubby
    neck_d = sdf.rounded_box(X, Y - 2.2, neck_w, 1.6, 0.12)
    neck_shadow = 0.72 + 0.28 * sdf.smoothstep(ry * 0.75, ry + 0.45, Y)
    neck_col = _col(skin_pale) * 0.92 * neck_shadow.unsqueeze(1)
    neck_h = (
        0.3 * torch.sqrt((1 - (X / neck_w) ** 2).clamp_min(0)) * sdf.smoothstep(0, 0.1, -neck_d)
    )
    canvas.paint(
        sdf.coverage(neck_d, px),
        neck_col,
        height=neck_h,
        gloss=0.08,
        region=REGION_INDEX["neck"],
        ink=sk.contour(neck_d, 0.025),
    )

    top = ry + 0.3
    shoulders = sdf.ellipse(X, Y - (top + 1.35), 2.5, 1.4)
    # The neckline does not follow the neck width, so Male/Chubby leave the cloth alone.
    neck_cut = sdf.ellipse(X, Y - top, 0.85, 0.3 + 0.45 * f["neckline"])
    cloth_d = torch.maximum(shoulders, -neck_cut)
    cloth_rgb = hsv_to_rgb(
        draws.factors["cloth_hue"], draws.factors["cloth_saturation"], draws.factors["cloth_value"]
    )
    cloth_col = _col(cloth_rgb) * (1 + 0.08 * fine[:, 2:3] + 0.1 * low[:, 2:3])
    cloth_h = (
        0.15 * low[:, 2] + 0.3 * torch.sqrt((1 - (X / 2.5) ** 2).clamp_min(0))
    ) * sdf.smoothstep(0, 0.2, -cloth_d)
    canvas.paint(
        sdf.coverage(cloth_d, px),
        cloth_col,
        height=cloth_h,
        gloss=0.05,
        region=REGION_INDEX["cloth"],
        ink=sk.contour(cloth_d, 0.028),
    )

    # ---- ears and earrings
    ear_x, ear_y = w0 + 0.03, ey + 0.06
    ear_d = sdf.ellipse(X.abs() - ear_x, Y - ear_y, 0.15, 0.27)
    inner_ear = sdf.ellipse(X.abs() - ear_x - 0.01, Y - ear_y + 0.02, 0.07, 0.16)
    ear_col = _col(skin_pale * torch.tensor([1.0, 0.93, 0.9])) * (
        1 - 0.18 * sdf.coverage(inner_ear, px)
    ).unsqueeze(1)
    canvas.paint(
        sdf.coverage(ear_d, px),
        ear_col,
        height=0.25 * sdf.smoothstep(0, 0.12, -ear_d),
        gloss=0.1,
        region=REGION_INDEX["ears"],
        ink=sk.contour(ear_d, 0.026) + 0.7 * sk.contour(inner_ear, 0.018) * (X.abs() > ear_x),
    )
    earring_on = (f["earring"] < 0.25).float()
    ring_d = sdf.circle(X.abs() - ear_x, Y - ear_y - 0.31, 0.055)
    gold = torch.stack([torch.full((n,), 0.9), torch.full((n,), 0.72), torch.full((n,), 0.3)], 1)
    silver = torch.full((n, 3), 0.82)
    metal = torch.where(draws.factors["earring_gold"].view(n, 1) > 0.5, gold, silver)
    ring_alpha = sdf.coverage(ring_d, px) * earring_on
    canvas.paint(
        ring_alpha,
        _col(metal),
        height=0.4 + 0.1 * sdf.smoothstep(0, 0.05, -ring_d),
        gloss=0.9,
        region=REGION_INDEX["earring"],
        ink=sk.contour(ring_d, 0.02) * earring_on,
    )

    # ---- face: skin with blush and texture; a dome with eye sockets and cheekbones
    xe = (X - fx).abs() - f["eye_spacing"]
    blush = torch.exp(-((X.abs() - 0.5) ** 2 + (Y - 0.3) ** 2) / 0.06) * f["skin_blush"]
    skin_col = _col(skin_pale) * (1 + 0.035 * fine[:, 0:1] + 0.04 * low[:, 3:4])
    skin_col = skin_col * (
        1 - 0.12 * blush.unsqueeze(1) * torch.tensor([0.0, 1.0, 1.0]).view(1, 3, 1, 1)
    )
    face_h = 0.55 * torch.sqrt((1 - (X / width) ** 2 - (Y / ry) ** 2).clamp_min(0))
    # Features sit on a dome that ignores jaw and cheeks, so Chubby/Male do not relight them.
    core_h = 0.55 * torch.sqrt((1 - X**2 - (Y / ry) ** 2).clamp_min(0))
    face_h = face_h - 0.07 * torch.exp(-(xe**2 + (Y - ey) ** 2) / 0.03)
    face_h = face_h + 0.05 * torch.exp(-((X.abs() - 0.55) ** 2 + (Y - 0.25) ** 2) / 0.05)
    face_alpha = sdf.coverage(face_d, px)
    canvas.paint(
        face_alpha,
        skin_col,
        height=face_h,
        gloss=0.06,
        region=REGION_INDEX["skin"],
        ink=sk.contour(face_d, 0.034),
    )

    # ---- overlays on the skin (region stays skin): wrinkles, beard, mustache
    nose_top = ey + 0.02
    nose_bottom = nose_top + f["nose_length"] + 0.07 * on["Big_Nose"]
    mouth_y = nose_bottom + f["mouth_gap"]
    wrinkle = _wrinkles(X - fx, Y, xe, ey, f, px)
    canvas.paint(
        wrinkle * 0.45 * old * face_alpha,
        _col(skin_pale * 0.55),
        region=None,
        ink=0.55 * wrinkle * old * face_alpha,
        occludes=False,
    )
    beard_zone = torch.maximum(
        sdf.smoothstep(mouth_y - 0.28, mouth_y - 0.08, Y),
        sdf.smoothstep(0.8, 0.95, X.abs() / width) * sdf.smoothstep(ey + 0.05, ey + 0.3, Y),
    )
    beard_alpha = (
        (1 - on["No_Beard"]) * face_alpha * beard_zone * (0.6 + 0.4 * fine[:, 1]).clamp(0, 1)
    )
    beard_col = _col(hair_rgb * 0.85) * (1 + 0.25 * fine[:, 3:4])
    canvas.paint(
        beard_alpha * 0.92,
        beard_col,
        height=core_h + 0.03 * fine[:, 1],
        gloss=0.05,
        ink=0.3 * beard_alpha * (fine[:, 3] > 0.2),
        occludes=False,
    )
    mw = f["mouth_width"] * (1 + 0.12 * smile)
    must_d = sdf.rounded_box(X - fx, Y - (mouth_y - 0.1), mw + 0.06, 0.065, 0.06)
    must_alpha = (
        on["Mustache"] * sdf.smoothstep(0.02, -0.02, must_d) * (0.7 + 0.3 * fine[:, 3]).clamp(0, 1)
    )
    canvas.paint(
        must_alpha * 0.95,
        _col(hair_rgb * 0.8),
        height=core_h + 0.03,
        gloss=0.05,
        ink=0.45 * must_alpha * (0.5 + 0.5 * torch.sin((X - fx) * 90)),
        occludes=False,
    )

    # ---- nose: a widening ridge with wings and nostrils; only its lower outline is drawn
    xn = X - fx * 1.4
    big_nose = on["Big_Nose"]
    hw_top, hw_bottom = 0.06 + 0.02 * big_nose, 0.13 + 0.06 * big_nose
    frac = ((Y - nose_top) / (nose_bottom - nose_top)).clamp(0, 1)
    ridge = torch.maximum(
        torch.maximum(xn.abs() - (hw_top + (hw_bottom - hw_top) * frac), nose_top - Y),
        Y - nose_bottom,
    )
    wings = sdf.ellipse(xn, Y - (nose_bottom - 0.05), hw_bottom * 1.15, 0.085 + 0.02 * big_nose)
    nose_d = sdf.smooth_union(ridge, wings, 0.04)
    nostril_d = sdf.ellipse(
        xn.abs() - hw_bottom * 0.45, Y - (nose_bottom - 0.015), 0.045 + 0.01 * big_nose, 0.022
    )
    nostril = sdf.coverage(nostril_d, px)
    nose_col = _col(skin_pale * torch.tensor([1.0, 0.95, 0.93])) * (1 - 0.6 * nostril.unsqueeze(1))
    nose_h = core_h + 0.22 * sdf.smoothstep(0.0, 0.1, -nose_d) * (0.4 + 0.6 * frac)
    lower_part = sdf.smoothstep(nose_top + 0.12, nose_bottom - 0.1, Y)
    canvas.paint(
        sdf.coverage(nose_d, px),
        nose_col,
        height=nose_h,
        gloss=0.2,
        region=REGION_INDEX["nose"],
        ink=sk.contour(nose_d, 0.022) * lower_part + 0.8 * nostril,
    )

    # ---- mouth: two lips around a centre line that curls up when smiling, teeth when open
    xm = X - fx
    s = torch.sqrt((1 - (xm / mw) ** 2).clamp_min(0))
    big_lips = on["Big_Lips"]
    centre = mouth_y - smile * 1.6 * xm * xm + 0.04 * smile
    t_up = (0.042 + 0.035 * big_lips) * (0.3 + 0.7 * s)
    t_low = (0.058 + 0.05 * big_lips) * (0.3 + 0.7 * s)
    opening = smile * 0.085 * s
    mouth_d = torch.maximum(
        torch.maximum(centre - opening / 2 - t_up - Y, Y - (centre + opening / 2 + t_low)),
        xm.abs() - mw,
    )
    teeth_d = torch.maximum((Y - centre).abs() - opening / 2, xm.abs() - mw * 0.9)
    teeth = sdf.coverage(teeth_d, px) * smile
    lip_rgb = skin * 0.55 + torch.tensor([0.4, 0.12, 0.14]) * (
        0.8 + 0.4 * draws.factors["lip_hue"].view(n, 1)
    )
    tooth_gaps = 1 - 0.25 * sdf.stroke(torch.sin(xm * 55) / 55, 0.012, px) * smile
    teeth_rgb = torch.tensor([0.95, 0.93, 0.87]).view(1, 3, 1, 1) * tooth_gaps.unsqueeze(1)
    mouth_col = _col(lip_rgb) + teeth.unsqueeze(1) * (teeth_rgb - _col(lip_rgb))
    lip_line = sdf.stroke(Y - centre, 0.02, px) * (xm.abs() < mw).float() * (1 - smile)
    mouth_col = mouth_col * (1 - 0.55 * lip_line).unsqueeze(1)
    mouth_h = core_h + 0.09 * sdf.smoothstep(0, 0.05, -mouth_d) * (1 - teeth)
    canvas.paint(
        sdf.coverage(mouth_d, px),
        mouth_col,
        height=mouth_h,
        gloss=0.35,
        region=REGION_INDEX["mouth"],
        ink=sk.contour(mouth_d, 0.024) + lip_line + 0.8 * sk.contour(teeth_d, 0.018) * smile,
    )

    # ---- eyes: almond, iris, pupil, catch-light, eyelid line
    ew = f["eye_width"]
    eh = ew * (0.46 - 0.22 * on["Narrow_Eyes"])
    side = torch.sign(X - fx)
    ye = Y - ey + f["eye_tilt"] * xe
    almond = 1 - 0.35 * (xe / ew).clamp(-1, 1) ** 2
    eye_d = sdf.ellipse(xe, ye / almond, ew, eh) * almond
    xi = (X - fx) - side * f["eye_spacing"] - f["gaze"] * ew * 0.35
    iris_d = sdf.circle(xi, ye + 0.005, ew * 0.47)
    pupil_d = sdf.circle(xi, ye + 0.005, ew * 0.2)
    iris = sdf.coverage(iris_d, px).unsqueeze(1)
    pupil = sdf.coverage(pupil_d, px).unsqueeze(1)
    sclera = torch.tensor([0.93, 0.91, 0.88]).view(1, 3, 1, 1) * (
        1 - 0.15 * sdf.smoothstep(0.3, 1.0, (xe / ew).abs())
    ).unsqueeze(1)
    iris_rgb = _col(palette(_IRIS_COLORS, draws.factors["iris_color"])) * (1 + 0.2 * fine[:, 0:1])
    eye_col = sclera + iris * (iris_rgb - sclera)
    eye_col = eye_col * (1 - 0.92 * pupil)
    catch = sdf.coverage(sdf.circle(xi + 0.03, ye + 0.03, ew * 0.08), px).unsqueeze(1)
    eye_col = eye_col + catch * (0.95 - eye_col)
    lid = sdf.stroke(eye_d, 0.03 + 0.012 * (1 - male), px) * (ye < 0.01 * ew).float()
    eye_alpha = sdf.coverage(eye_d, px)
    canvas.paint(
        eye_alpha,
        eye_col,
        height=core_h - 0.02,
        gloss=0.6,
        region=REGION_INDEX["eyes"],
        ink=sk.contour(eye_d, 0.02)
        + 0.9 * iris.squeeze(1) * sk.contour(iris_d, 0.018)
        + pupil.squeeze(1) * eye_alpha,
    )
    canvas.paint(lid, _col(hair_rgb * 0.3 + 0.03), ink=lid, occludes=False)

    # ---- brows: tapered arcs, thicker and lower for men
    bx = f["eye_spacing"] - 0.01
    by = ey - f["brow_gap"] + 0.03 * male
    half_len = 0.22
    tb = ((X - fx).abs() - bx) / half_len
    brow_y = by - f["brow_arch"] * (1 - tb * tb) - 0.02 * tb
    thick = (0.03 + 0.022 * male) * (1.05 - 0.35 * tb.clamp(-1, 1))
    brow_d = torch.maximum((Y - brow_y).abs() - thick, (tb.abs() - 1) * half_len)
    brow_rgb = palette(_HAIR_COLORS, draws.factors["hair_color"]) * 0.75
    brow_rgb = brow_rgb + 0.5 * old.view(n, 1) * (torch.tensor(_GREY_HAIR) - brow_rgb)
    brow_col = _col(brow_rgb) * (1 + 0.25 * torch.sin((X - fx) * 110 + Y * 30)).unsqueeze(1)
    brow_alpha = sdf.coverage(brow_d, px)
    canvas.paint(
        brow_alpha,
        brow_col,
        height=core_h + 0.01,
        gloss=0.05,
        region=REGION_INDEX["brows"],
        ink=sk.contour(brow_d, 0.018) + 0.45 * brow_alpha * (0.5 + 0.5 * torch.sin((X - fx) * 90)),
    )

    # ---- hair over the face: above the hairline, and a fringe with Bangs
    hairline = (
        f["hairline"] + 0.04 * male + (0.28 + 0.2 * male) * (X - f["hair_parting"] * 0.3) ** 2
    )
    fringe = ey - f["brow_gap"] - 0.13 + 0.025 * torch.sin(X * 23 + f["hair_parting"] * 9)
    bangs = on["Bangs"] * sdf.smoothstep(0.98, 0.72, X.abs())
    line = hairline + bangs * (torch.maximum(fringe, hairline) - hairline)
    front_d = torch.maximum(face_d - 2 * px, Y - line)
    front_alpha = sdf.coverage(front_d, px)
    canvas.paint(
        front_alpha,
        hair_col,
        height=dome + hair_h,
        gloss=0.25,
        region=REGION_INDEX["hair"],
        ink=sk.contour(front_d, 0.028) + sk.strands(strands, front_alpha),
    )

    # ---- hat (a knitted beanie) for about one portrait in ten
    hat_on = (f["hat"] < 0.1).float()
    hat_line = -0.88 - 0.12 * X * X + (ry - 1.3)
    hat_d = torch.maximum(
        sdf.ellipse(X, Y + 0.3, 1.17 + vol, 1.18 + vol + (ry - 1.3)), Y - (hat_line - ry + 1.3)
    )
    band = sdf.smoothstep(-0.22, -0.18, Y - (hat_line - ry + 1.3))
    knit = 1 + 0.12 * torch.sin(X * 40) * (1 - band) + 0.1 * torch.sin(Y * 70) * band
    hat_rgb = hsv_to_rgb(draws.factors["hat_hue"], torch.full((n,), 0.55), torch.full((n,), 0.6))
    hat_alpha = sdf.coverage(hat_d, px) * hat_on
    canvas.paint(
        hat_alpha,
        _col(hat_rgb) * knit.unsqueeze(1),
        height=dome + 0.12,
        gloss=0.05,
        region=REGION_INDEX["hat"],
        ink=(
            sk.contour(hat_d, 0.03) + 0.6 * sk.contour(Y - (hat_line - ry + 1.1), 0.02) * hat_alpha
        )
        * hat_on,
    )

    # ---- eyeglasses: rims, bridge and temples (label eyeglasses), tinted lenses
    glasses_on = on["Eyeglasses"]
    xg = xe
    yg = Y - ey + 0.01
    rim_hw, rim_hh = ew + 0.08, 0.15 + 0.03 * f["glasses_frame"]
    rim = sdf.rounded_box(xg, yg, rim_hw, rim_hh, 0.05 + 0.07 * f["glasses_frame"])
    frame_w = 0.024 + 0.024 * f["glasses_frame"]
    lens_d = rim + frame_w
    bridge = sdf.rounded_box(X - fx, yg + 0.05, f["eye_spacing"] - rim_hw + 0.02, 0.016, 0.01)
    reach = (w0 + 0.02 - f["eye_spacing"] - rim_hw).clamp_min(0.01)
    temple = sdf.rounded_box(xg - rim_hw - reach / 2, yg + 0.07, reach / 2, 0.026, 0.01)
    frame_d = torch.minimum(torch.maximum(rim, -lens_d), torch.minimum(bridge, temple))
    glasses_d = torch.minimum(rim, torch.minimum(bridge, temple))
    lens = sdf.coverage(lens_d, px) * glasses_on
    glint = sdf.smoothstep(0.05, 0.0, ((xg + yg * 0.8) - 0.05).abs())
    canvas.paint(
        lens * (0.16 + 0.22 * glint),
        _col(torch.tensor([[0.85, 0.92, 0.98]]).expand(n, 3)),
        gloss=0.9,
        region=REGION_INDEX["eyeglasses"],
        label_alpha=sdf.coverage(glasses_d - 0.5 * px, px) * glasses_on,
        occludes=False,
    )
    frame_rgb = palette(
        [(0.05, 0.05, 0.06), (0.35, 0.2, 0.1), (0.75, 0.72, 0.68)], draws.factors["glasses_color"]
    )
    canvas.paint(
        sdf.coverage(frame_d, px) * glasses_on,
        _col(frame_rgb),
        height=core_h + 0.15,
        gloss=0.7,
        region=REGION_INDEX["eyeglasses"],
        ink=sk.contour(frame_d, 0.018) * glasses_on,
    )

    # ---- light, colour and the drawn sketch
    warmth = draws.factors["light_warmth"].view(n, 1, 1, 1)
    tint = 1 + 0.06 * warmth * torch.tensor([1.0, 0.0, -1.0]).view(1, 3, 1, 1)
    color = canvas.shade(px * scale, f["light_azimuth"], f["light_elevation"], f["ambient"], tint)
    vignette = 1 - 0.18 * (u * u + v * v)
    image = (color * vignette.unsqueeze(1)).clamp(0, 1) * 2 - 1
    sketch = sk.finish(canvas.sketch_ink(), low, mid)
    return image.contiguous(), canvas.label, sketch


def _hair_texture(X, Y, f, mid, fine, hair_rgb):
    """Hair strands radiating from the crown, with waves, highlights and fine fibres."""
    dx, dy = X - f["hair_parting"] * 0.5, Y + 1.05
    theta = torch.atan2(dx, dy)
    radius = torch.sqrt(dx * dx + dy * dy)
    phase = theta * 55 + f["hair_wave"] * 2.5 * torch.sin(radius * 9) + 2.5 * mid[:, 0]
    # Near the crown the strands converge faster than pixels can show: fade them out there.
    fade = sdf.smoothstep(0.1, 0.5, radius)
    strands = torch.sin(phase) * fade  # [N, H, W] in [-1, 1]
    fibre = 0.5 + 0.5 * torch.sin(theta * 110 + 3 * fine[:, 3]) * fade
    shade = 0.7 + 0.14 * strands + 0.16 * fibre
    color = hair_rgb.view(-1, 3, 1, 1) * shade.unsqueeze(1) + 0.05 * (
        strands > 0.8
    ).float().unsqueeze(1)
    height = 0.012 * strands + 0.006 * fibre
    return color, height, phase


def _wrinkles(xm, Y, xe, ey, f, px):
    """Ink [N, H, W] of forehead lines, nasolabial folds and under-eye lines."""
    forehead = torch.zeros_like(xm)
    for k in range(3):
        yk = -0.66 - 0.11 * k + 0.015 * torch.sin(xm * 6 + k)
        forehead = torch.maximum(forehead, sdf.stroke(Y - yk, 0.014, px))
    forehead = forehead * sdf.smoothstep(0.5, 0.3, xm.abs())
    folds = sdf.stroke(xm.abs() - (0.2 + 0.42 * (Y - ey - 0.38)), 0.016, px)
    folds = folds * sdf.smoothstep(ey + 0.36, ey + 0.42, Y) * sdf.smoothstep(ey + 0.78, ey + 0.7, Y)
    under_eye = sdf.stroke(sdf.ellipse(xe, Y - ey - 0.07, f["eye_width"] * 0.85, 0.06), 0.012, px)
    under_eye = under_eye * (Y > ey + 0.08).float()
    return torch.maximum(torch.maximum(forehead, folds), under_eye)


class _Sketcher:
    """Turns shapes into hand-drawn strokes: width and pressure vary, strands are sparse."""

    def __init__(self, f, mid, fine, px):
        self.px = px
        pressure = 1.15 + 0.45 * f["sketch_pressure"]
        self.width_scale = pressure * (0.75 + 0.3 * mid[:, 1])  # [N, H, W]
        self.f = f
        self.fine = fine

    def contour(self, d: torch.Tensor, width: float) -> torch.Tensor:
        return sdf.stroke(d, width * self.width_scale, self.px)

    def strands(self, phase: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
        # A few long strand lines: every eighth texture strand, faded by fine noise.
        line = torch.sin(phase / 8)
        ink = (1 - line.abs() / 0.12).clamp(0, 1) * (self.fine[:, 3] > -0.1).float()
        return 0.55 * ink * alpha

    def finish(self, ink: torch.Tensor, low: torch.Tensor, mid: torch.Tensor) -> torch.Tensor:
        """Gaps, graphite texture and a low-frequency wobble -> [N, 1, H, W] sketch."""
        drop = -0.85 + 0.5 * self.f["sketch_drop"]
        keep = sdf.smoothstep(drop - 0.06, drop + 0.06, mid[:, 2])
        darkness = (0.78 + 0.22 * self.f["sketch_pressure"]) * (0.88 + 0.12 * self.fine[:, 0])
        ink = (ink.clamp(0, 1) * keep * darkness).unsqueeze(1)
        n, _, h, w = ink.shape
        coords = (torch.arange(h, dtype=torch.float32) + 0.5) / h * 2 - 1
        grid = torch.stack(torch.meshgrid(coords, coords, indexing="xy"), dim=-1).expand(n, h, w, 2)
        wobble = 0.012 * low[:, 4:6] + 0.006 * mid[:, 4:6]  # [N, 2, H, W], image units
        grid = grid + wobble.permute(0, 2, 3, 1)
        ink = F.grid_sample(ink, grid, mode="bilinear", padding_mode="border", align_corners=False)
        return 1 - ink
