"""Signed-distance primitives for the procedural portrait renderer.

Every function works on broadcastable tensors (coordinates [N, H, W], parameters [N, 1, 1])
and returns an approximate signed distance: negative inside, positive outside, in the
units of the coordinates. Anti-aliasing turns a distance into pixel coverage.
"""

from __future__ import annotations

import torch


def ellipse(x: torch.Tensor, y: torch.Tensor, rx, ry) -> torch.Tensor:
    """Approximate distance to an axis-aligned ellipse centred at the origin.

    Uses the first-order estimate k0 * (k0 - 1) / k1 (Quilez), exact on circles and good
    within a few percent near the boundary, which is all coverage and strokes need.
    """
    qx, qy = x / rx, y / ry
    k0 = torch.sqrt(qx * qx + qy * qy)
    k1 = torch.sqrt((qx / rx) ** 2 + (qy / ry) ** 2).clamp_min(1e-6)
    return k0 * (k0 - 1.0) / k1


def circle(x: torch.Tensor, y: torch.Tensor, r) -> torch.Tensor:
    """Exact distance to a circle of radius r at the origin."""
    return torch.sqrt(x * x + y * y) - r


def rounded_box(x: torch.Tensor, y: torch.Tensor, hx, hy, radius) -> torch.Tensor:
    """Exact distance to a box with half sizes (hx, hy) and rounded corners."""
    qx = x.abs() - hx + radius
    qy = y.abs() - hy + radius
    outside = torch.sqrt(qx.clamp_min(0) ** 2 + qy.clamp_min(0) ** 2)
    inside = torch.maximum(qx, qy).clamp_max(0)
    return outside + inside - radius


def smooth_union(a: torch.Tensor, b: torch.Tensor, k: float) -> torch.Tensor:
    """Polynomial smooth minimum: joins two shapes with a fillet of size k."""
    h = (0.5 + 0.5 * (b - a) / k).clamp(0, 1)
    return b + (a - b) * h - k * h * (1 - h)


def smoothstep(edge0, edge1, x: torch.Tensor) -> torch.Tensor:
    t = ((x - edge0) / (edge1 - edge0)).clamp(0, 1)
    return t * t * (3 - 2 * t)


def coverage(d: torch.Tensor, pixel) -> torch.Tensor:
    """Anti-aliased coverage in [0, 1] of the inside (d < 0), pixel = one pixel in d's units."""
    return (0.5 - d / pixel).clamp(0, 1)


def stroke(d: torch.Tensor, width, pixel) -> torch.Tensor:
    """Anti-aliased ink of a line of the given width along the zero set of d."""
    return (0.5 + (0.5 * width - d.abs()) / pixel).clamp(0, 1)
