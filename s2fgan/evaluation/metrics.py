"""Pure metric functions behind the figures of `s2fgan eval` (names as in docs/architecture.md)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from s2fgan.constants import NUM_REGIONS, REGIONS


def class_iou(pred: torch.Tensor, target: torch.Tensor, num_classes: int = NUM_REGIONS) -> dict:
    """IoU per class id present in either map, pooled over the batch; pred/target [N, H, W]."""
    ious = {}
    for k in range(num_classes):
        p, t = pred == k, target == k
        union = (p | t).sum()
        if union > 0:
            ious[k] = ((p & t).sum() / union).item()
    return ious


def miou(pred: torch.Tensor, target: torch.Tensor, num_classes: int = NUM_REGIONS) -> float:
    """Mean IoU over the classes present in either map; pred/target [N, H, W] int64."""
    ious = class_iou(pred, target, num_classes)
    return sum(ious.values()) / len(ious)


def region_iou(pred: torch.Tensor, target: torch.Tensor) -> dict[str, float]:
    """IoU per region name (s2fgan.constants.REGIONS), for the regions present in either map:
    the terms whose mean is `miou`."""
    return {REGIONS[k]: v for k, v in class_iou(pred, target, len(REGIONS)).items()}


def frechet_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """Frechet distance between Gaussians fitted to two embedding sets [N, D] and [M, D].

    ||mu_a - mu_b||^2 + tr(S_a) + tr(S_b) - 2 tr((S_a^1/2 S_b S_a^1/2)^1/2), in float64 with
    symmetric eigendecompositions, so no scipy and no complex square roots are needed.
    """
    a, b = a.double(), b.double()
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = torch.cov(a.T), torch.cov(b.T)
    vals, vecs = torch.linalg.eigh(cov_a)
    root_a = vecs @ torch.diag(vals.clamp_min(0).sqrt()) @ vecs.T
    middle = torch.linalg.eigvalsh(root_a @ cov_b @ root_a).clamp_min(0).sqrt().sum()
    value = (mu_a - mu_b).pow(2).sum() + cov_a.trace() + cov_b.trace() - 2 * middle
    return float(value.clamp_min(0))


def attribute_hits(
    pos_logits: torch.Tensor, neg_logits: torch.Tensor, j: int
) -> tuple[float, float]:
    """(on, off): share of faces classified as having attribute j after the +strength edit,
    and as lacking it after the -strength edit.

    Args:
        pos_logits, neg_logits: [N, 12] evaluator logits after the +/- edit of attribute j.
    """
    on = (pos_logits[:, j] > 0).float().mean().item()
    return on, (neg_logits[:, j] < 0).float().mean().item()


def attribute_success(pos_logits: torch.Tensor, neg_logits: torch.Tensor, j: int) -> float:
    """Mean of the two shares of `attribute_hits`: the slider turns attribute j on and off."""
    return 0.5 * sum(attribute_hits(pos_logits, neg_logits, j))


def attribute_leak(base_logits: torch.Tensor, edited_logits: torch.Tensor, j: int) -> float:
    """Mean share of the other attributes whose decision flips when only attribute j is edited."""
    flips = (base_logits > 0) != (edited_logits > 0)  # [N, 12]
    others = [k for k in range(flips.shape[1]) if k != j]
    return flips[:, others].float().mean().item()


def dilate(mask: torch.Tensor, radius: int) -> torch.Tensor:
    """Binary dilation of [N, H, W] masks by a square of the given radius."""
    return F.max_pool2d(mask.float().unsqueeze(1), 2 * radius + 1, 1, radius).squeeze(1) > 0


def swap_change(
    before: torch.Tensor, after: torch.Tensor, region: torch.Tensor, radius: int = 3
) -> tuple[float, float]:
    """(swap_leak, swap_effect): mean absolute pixel change on a 0..1 scale outside and inside
    the swapped regions (mask dilated by `radius` px).

    Args:
        before, after: [N, 3, H, W] images in [-1, 1].
        region: [N, H, W] bool, the swapped regions in either image.
    """
    change = (after - before).abs().mean(1) / 2  # [N, H, W], 0..1 scale
    inside = dilate(region, radius)
    leak = (change * ~inside).sum() / (~inside).sum().clamp_min(1)
    effect = (change * inside).sum() / inside.sum().clamp_min(1)
    return leak.item(), effect.item()
