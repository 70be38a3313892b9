"""The engine's own drawing hand: the strokes of the "drawn" sketch style."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from s2fgan.data import sdf


class Sketcher:
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
