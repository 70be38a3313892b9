"""A layered canvas: paints albedo, height, gloss, region labels and sketch ink together.

Layers are painted back to front. Each layer may carry sketch ink (its contour and interior
strokes); when the sketch is made, the ink of a layer is hidden by the layers painted in
front of it, so a drawing shows only what the viewer sees.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


class Canvas:
    """Accumulates a batch of portraits at one resolution.

    Attributes:
        albedo: [N, 3, H, W] surface colour in [0, 1].
        height: [N, H, W] height field in head units (larger = nearer the viewer).
        gloss: [N, H, W] specular strength.
        label: [N, H, W] int64 region id of the front-most layer covering each pixel.
    """

    def __init__(self, n: int, size: int) -> None:
        self.albedo = torch.zeros(n, 3, size, size)
        self.height = torch.zeros(n, size, size)
        self.gloss = torch.zeros(n, size, size)
        self.label = torch.zeros(n, size, size, dtype=torch.int64)
        self._layers: list[tuple[torch.Tensor | None, torch.Tensor | None]] = []
        self._parts: list[str | None] = []

    def paint(
        self,
        alpha: torch.Tensor,
        color: torch.Tensor | None,
        height: torch.Tensor | float | None = None,
        gloss: torch.Tensor | float | None = None,
        region: int | None = None,
        ink: torch.Tensor | None = None,
        label_alpha: torch.Tensor | None = None,
        occludes: bool = True,
        part: str | None = None,
    ) -> None:
        """Paint one layer over what is there.

        Args:
            alpha: [N, H, W] coverage in [0, 1].
            color: [N, 3, H, W] or [N, 3, 1, 1] albedo, or None to keep the colour.
            height: [N, H, W] / scalar height, or None to keep the height field.
            gloss: [N, H, W] / scalar gloss, or None to keep it.
            region: region id written where the layer covers at least half a pixel.
            ink: [N, H, W] sketch ink of this layer in [0, 1] (1 = black stroke).
            label_alpha: [N, H, W] coverage used for the label instead of alpha.
            occludes: whether this layer hides the sketch ink of the layers behind it.
            part: name of the facial part this layer belongs to, for `visibility`.
        """
        if color is not None:
            self.albedo.add_(alpha.unsqueeze(1) * (color - self.albedo))
        if height is not None:
            self.height.add_(alpha * (height - self.height))
        if gloss is not None:
            self.gloss.add_(alpha * (gloss - self.gloss))
        if region is not None:
            cover = alpha if label_alpha is None else label_alpha
            self.label.masked_fill_(cover >= 0.5, region)
        self._layers.append((alpha if occludes else None, ink))
        self._parts.append(part)

    def sketch_ink(self) -> torch.Tensor:
        """[N, H, W] ink in [0, 1] of every visible stroke (1 = black)."""
        paper = torch.ones_like(self.height)
        visible = torch.ones_like(self.height)
        for alpha, ink in reversed(self._layers):
            if ink is not None:
                paper.mul_(1 - ink * visible)
            if alpha is not None:
                visible = visible * (1 - alpha)
        return 1 - paper

    def visibility(self) -> dict[str, torch.Tensor]:
        """part -> [N, H, W] share of that part's last layer not hidden by layers in front.

        Sketch styles that draw a part's shapes themselves use it to leave out what the
        viewer cannot see, as `sketch_ink` does for the layers' own ink.
        """
        out: dict[str, torch.Tensor] = {}
        visible = torch.ones_like(self.height)
        for (alpha, _), part in zip(reversed(self._layers), reversed(self._parts), strict=True):
            if part is not None and part not in out:
                out[part] = visible
            if alpha is not None:
                visible = visible * (1 - alpha)
        return out

    def shade(
        self,
        pixel: torch.Tensor,
        azimuth: torch.Tensor,
        elevation: torch.Tensor,
        ambient: torch.Tensor,
        tint: torch.Tensor,
    ) -> torch.Tensor:
        """Light the canvas: Lambert diffuse + Phong specular from the height field normals.

        Args:
            pixel: [N, 1, 1] size of one pixel in the height field's units.
            azimuth, elevation, ambient: [N, 1, 1] light direction (radians) and ambient term.
            tint: [N, 3, 1, 1] light colour.

        Returns:
            [N, 3, H, W] linear colour, roughly in [0, 1].
        """
        h = F.pad(self.height.unsqueeze(1), (1, 1, 1, 1), mode="replicate").squeeze(1)
        # Steep steps between layers would give black rims; clamp the slope.
        gx = ((h[:, 1:-1, 2:] - h[:, 1:-1, :-2]) / (2 * pixel)).clamp(-1.6, 1.6)
        gy = ((h[:, 2:, 1:-1] - h[:, :-2, 1:-1]) / (2 * pixel)).clamp(-1.6, 1.6)
        inv_norm = torch.rsqrt(gx * gx + gy * gy + 1)
        lx = torch.cos(elevation) * torch.cos(azimuth)
        ly = torch.cos(elevation) * torch.sin(azimuth)
        lz = torch.sin(elevation)
        n_dot_l = (-gx * lx - gy * ly + lz) * inv_norm
        diffuse = n_dot_l.clamp_min(0) / lz
        light = (ambient + (1 - ambient) * diffuse).clamp_max(1.35)
        r_dot_v = (2 * n_dot_l * inv_norm - lz).clamp_min(0)
        specular = self.gloss * r_dot_v.pow(10)
        return self.albedo * light.unsqueeze(1) * tint + 0.25 * specular.unsqueeze(1)


def hsv_to_rgb(h: torch.Tensor, s: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """[N] hue (turns), saturation, value -> [N, 3] RGB in [0, 1]."""
    h = torch.remainder(h, 1.0) * 6
    k = torch.stack([(5 + h) % 6, (3 + h) % 6, (1 + h) % 6], dim=-1)
    weight = (torch.minimum(k, 4 - k)).clamp(0, 1)
    return v.unsqueeze(-1) * (1 - s.unsqueeze(-1) * weight)


def palette(colors: list[tuple[float, float, float]], t: torch.Tensor) -> torch.Tensor:
    """Piecewise-linear colour ramp: [N] t in [0, 1] -> [N, 3]."""
    table = torch.tensor(colors)
    pos = t.clamp(0, 1) * (len(colors) - 1)
    lo = pos.floor().long().clamp_max(len(colors) - 2)
    frac = (pos - lo).unsqueeze(-1)
    return table[lo] * (1 - frac) + table[lo + 1] * frac


TAU = 2 * math.pi
