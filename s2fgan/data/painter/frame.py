"""The shared frame every part of a portrait is painted over.

A `Frame` holds what more than one part needs: the pixel grid in image and head coordinates,
the factors and attributes of each portrait, its noise fields, the canvas being painted, and
the face geometry and colours that several parts follow (the face outline, the eye line, the
mouth position, skin and hair colour). Parts read the frame, paint onto its canvas and record
their shapes in `Frame.shapes`, so that sketch styles can draw from the same geometry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from s2fgan.constants import ATTRIBUTES
from s2fgan.data import sdf
from s2fgan.data.canvas import Canvas, palette
from s2fgan.data.painter.sketcher import Sketcher
from s2fgan.data.portrait_factors import PortraitDraws

SKIN_TONES = [
    (0.98, 0.86, 0.76),
    (0.93, 0.76, 0.63),
    (0.82, 0.62, 0.47),
    (0.64, 0.45, 0.32),
    (0.42, 0.28, 0.20),
]
PALE = (0.98, 0.91, 0.87)
HAIR_COLORS = [
    (0.07, 0.06, 0.06),
    (0.22, 0.14, 0.09),
    (0.42, 0.27, 0.15),
    (0.55, 0.24, 0.11),
    (0.74, 0.58, 0.34),
    (0.90, 0.80, 0.55),
]
GREY_HAIR = (0.78, 0.78, 0.80)


@dataclass
class Frame:
    """A batch of N portraits being painted at `size` x `size` pixels.

    Image coordinates u (right), v (down) span [-1, 1]; the head frame X (right), Y (down) has
    the face half-width as its unit. Per-portrait values are [N, 1, 1] so they broadcast over
    the [N, H, W] grids.
    """

    n: int
    size: int
    u: torch.Tensor  # [1, 1, W] image x at pixel centres
    v: torch.Tensor  # [1, H, 1] image y
    X: torch.Tensor  # [N, H, W] head x
    Y: torch.Tensor  # [N, H, W] head y
    px: torch.Tensor  # [N, 1, 1] one pixel in head units
    scale: torch.Tensor  # [N, 1, 1] half face width in image units
    f: dict[str, torch.Tensor]  # factor -> [N, 1, 1]
    factors: dict[str, torch.Tensor]  # factor -> [N]
    on: dict[str, torch.Tensor]  # attribute -> [N, 1, 1], 1 where +1
    low: torch.Tensor  # [N, 6, H, W] value noise in about [-1, 1], coarse
    mid: torch.Tensor  # [N, 6, H, W]
    fine: torch.Tensor  # [N, 4, H, W]
    canvas: Canvas
    sk: Sketcher
    # face geometry several parts follow
    ry: torch.Tensor  # face half-length
    width: torch.Tensor  # [N, H, W] face half-width at each height (cheeks, jaw, taper)
    face_d: torch.Tensor  # [N, H, W] signed distance of the face outline
    w0: torch.Tensor  # face half-width at the ears
    fx: torch.Tensor  # sideways shift of the features with yaw
    ey: torch.Tensor  # eye line
    xe: torch.Tensor  # [N, H, W] x from the nearer eye centre
    core_h: torch.Tensor  # [N, H, W] the dome the features sit on
    nose_top: torch.Tensor
    nose_bottom: torch.Tensor
    mouth_y: torch.Tensor
    mw: torch.Tensor  # mouth half-width
    # colours, [N, 3]
    skin: torch.Tensor
    skin_pale: torch.Tensor
    hair_rgb: torch.Tensor
    # hair, shared by the hair behind the head, the fringe and the hat
    vol: torch.Tensor
    dome: torch.Tensor
    hair_col: torch.Tensor
    hair_h: torch.Tensor
    strands: torch.Tensor
    shapes: dict[str, torch.Tensor] = field(default_factory=dict)

    @property
    def male(self) -> torch.Tensor:
        return self.on["Male"]

    @property
    def chubby(self) -> torch.Tensor:
        return self.on["Chubby"]

    @property
    def smile(self) -> torch.Tensor:
        return self.on["Smiling"]

    @property
    def old(self) -> torch.Tensor:
        return 1 - self.on["Young"]


def _noise(draws: PortraitDraws, size: int) -> dict[str, torch.Tensor]:
    """Upsample the value-noise lattices to [N, C, size, size] in about [-1, 1]."""
    return {
        name: F.interpolate(lat * 2 - 1, size=(size, size), mode="bicubic", align_corners=True)
        for name, lat in draws.noise.items()
    }


def make_frame(draws: PortraitDraws, size: int) -> Frame:
    """Set up the grid, the head frame and the shared face geometry of a batch."""
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
    xe = (X - fx).abs() - f["eye_spacing"]
    # Features sit on a dome that ignores jaw and cheeks, so Chubby/Male do not relight them.
    core_h = 0.55 * torch.sqrt((1 - X**2 - (Y / ry) ** 2).clamp_min(0))
    nose_top = ey + 0.02
    nose_bottom = nose_top + f["nose_length"] + 0.07 * on["Big_Nose"]
    mouth_y = nose_bottom + f["mouth_gap"]
    mw = f["mouth_width"] * (1 + 0.12 * smile)

    skin = palette(SKIN_TONES, draws.factors["skin_tone"])
    skin_pale = skin + 0.5 * on["Pale_Skin"].view(n, 1) * (torch.tensor(PALE) - skin)
    hair_rgb = palette(HAIR_COLORS, draws.factors["hair_color"])
    hair_rgb = hair_rgb + 0.85 * old.view(n, 1) * (torch.tensor(GREY_HAIR) - hair_rgb)

    vol = f["hair_volume"] * (1 - 0.5 * male)
    hair_col, hair_h, strands = _hair_texture(X, Y, f, mid, fine, hair_rgb)
    dome = 0.35 * torch.sqrt((1 - (X / 1.25) ** 2 - ((Y + 0.3) / 1.5) ** 2).clamp_min(0))

    return Frame(
        n=n,
        size=size,
        u=u,
        v=v,
        X=X,
        Y=Y,
        px=px,
        scale=scale,
        f=f,
        factors=draws.factors,
        on=on,
        low=low,
        mid=mid,
        fine=fine,
        canvas=Canvas(n, size),
        sk=Sketcher(f, mid, fine, px),
        ry=ry,
        width=width,
        face_d=face_d,
        w0=w0,
        fx=fx,
        ey=ey,
        xe=xe,
        core_h=core_h,
        nose_top=nose_top,
        nose_bottom=nose_bottom,
        mouth_y=mouth_y,
        mw=mw,
        skin=skin,
        skin_pale=skin_pale,
        hair_rgb=hair_rgb,
        vol=vol,
        dome=dome,
        hair_col=hair_col,
        hair_h=hair_h,
        strands=strands,
    )


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
