"""Gradient reversal (Ganin & Lempitsky): identity forward, gradient times -scale backward.

S2FGAN puts its latent domain discriminator behind it, so one backward pass trains the
discriminator to tell sketch codes from photo codes and the sketch encoder to fool it.
"""

from __future__ import annotations

import torch


class _GradientReversal(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, scale: float) -> torch.Tensor:
        ctx.scale = scale
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        return -ctx.scale * grad, None


def grad_reverse(x: torch.Tensor, scale: float = 1.0) -> torch.Tensor:
    """x unchanged; the gradient flowing back through it is multiplied by -scale."""
    return _GradientReversal.apply(x, scale)
