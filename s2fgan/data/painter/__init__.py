"""The portrait painter: a shared frame, one function per facial part, and their order.

`paint` sets up the frame (grid, head pose, face geometry, colours) and paints the parts of
`PARTS` in that order, back to front; `render` lights the result and draws its sketch. A new
part is a function `part(frame)` in `parts.py` and one entry in `PARTS`.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from s2fgan.data.painter import parts
from s2fgan.data.painter.frame import Frame, make_frame
from s2fgan.data.portrait_factors import PortraitDraws

# Back to front: each part hides the ink of the parts before it where it covers them.
PARTS: tuple[tuple[str, Callable[[Frame], None]], ...] = (
    ("background", parts.background),
    ("hair_back", parts.hair_back),
    ("neck", parts.neck),
    ("cloth", parts.cloth),
    ("ears", parts.ears),  # with earrings
    ("face", parts.face),  # skin, then wrinkles, beard and mustache on it
    ("nose", parts.nose),
    ("mouth", parts.mouth),
    ("eyes", parts.eyes),
    ("brows", parts.brows),
    ("hair_front", parts.hair_front),
    ("hat", parts.hat),
    ("eyeglasses", parts.eyeglasses),
)


def paint(draws: PortraitDraws, size: int) -> Frame:
    """Paint every part of a batch of portraits onto a fresh frame's canvas."""
    frame = make_frame(draws, size)
    for _, paint_part in PARTS:
        paint_part(frame)
    return frame


def photo(frame: Frame) -> torch.Tensor:
    """Light, colour and vignette of a painted frame -> image [N, 3, H, W] in [-1, 1]."""
    f, n = frame.f, frame.n
    warmth = frame.factors["light_warmth"].view(n, 1, 1, 1)
    tint = 1 + 0.06 * warmth * torch.tensor([1.0, 0.0, -1.0]).view(1, 3, 1, 1)
    color = frame.canvas.shade(
        frame.px * frame.scale, f["light_azimuth"], f["light_elevation"], f["ambient"], tint
    )
    vignette = 1 - 0.18 * (frame.u * frame.u + frame.v * frame.v)
    image = (color * vignette.unsqueeze(1)).clamp(0, 1) * 2 - 1
    return image.contiguous()


def drawn_sketch(frame: Frame) -> torch.Tensor:
    """The engine's own drawing of a painted frame -> [N, 1, H, W] in [0, 1]."""
    return frame.sk.finish(frame.canvas.sketch_ink(), frame.low, frame.mid)


def render(draws: PortraitDraws, size: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Image [N, 3, H, W] in [-1, 1], mask [N, H, W] and drawn sketch [N, 1, H, W]."""
    frame = paint(draws, size)
    return photo(frame), frame.canvas.label, drawn_sketch(frame)


__all__ = ["PARTS", "Frame", "drawn_sketch", "paint", "photo", "render"]
