"""AttributeMapper (S2FGAN's S2F-DIS): 12 orthonormal attribute directions in the code ws.

An attribute's strength in a code is the code's projection on that attribute's direction;
an edit moves the code along the direction until the strength is the one asked for. The
directions are exactly orthonormal, so setting one strength leaves the other eleven where
they were. With `restrict`, each direction lives only in the shape and texture slots of the
regions its attribute changes (`ATTRIBUTE_REGIONS`), so e.g. Bangs can only touch the hair.

The directions are fixed buffers drawn once from `seed`; the encoders and the generator are
trained to give them their meaning (training pulls each photo's strengths to +-3 and asks
an edit to reproduce the data engine's counterfactual render).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin

from s2fgan.constants import ATTRIBUTE_REGIONS, ATTRIBUTES, NUM_REGIONS, REGION_INDEX
from s2fgan.models.latent_layout import LatentLayout

# Where a trained model puts a face that has (+) or lacks (-) an attribute.
TRAINED_STRENGTH = 3.0


def restricted_orthonormal(supports: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """Unit vectors v_k with support in supports[k] ([K, D] bool), pairwise orthogonal.

    Each v_k is a random vector in its support, projected off the span of the earlier
    vectors' restrictions to that support, so orthogonality never widens the support.
    """
    rng = torch.Generator().manual_seed(seed)
    k, d = supports.shape
    out = torch.zeros(k, d, dtype=torch.float64)
    for i in range(k):
        keep = supports[i].to(torch.float64)
        v = torch.randn(d, generator=rng, dtype=torch.float64) * keep
        if i:
            basis, _ = torch.linalg.qr((out[:i] * keep).T)  # [D, i]
            v = (v - basis @ (basis.T @ v)) * keep  # QR leaves float dust off-support
        norm = v.norm()
        if norm < 1e-6:
            raise ValueError(f"direction {i} has no room left in its slots")
        out[i] = v / norm
    return out.float()


class AttributeMapper(ModelMixin, ConfigMixin):
    """Reads and sets attribute strengths in codes ws [B, num_ws, w_dim].

    Args:
        num_regions, w_dim: the code layout (see LatentLayout).
        attributes: names of the attributes, a subset of `s2fgan.constants.ATTRIBUTES`.
        restrict: keep each direction in the slots of its attribute's regions.
        max_strength: strengths an edit may ask for lie in [-max_strength, max_strength].
        seed: draws the directions.
    """

    @register_to_config
    def __init__(
        self,
        num_regions: int = NUM_REGIONS,
        w_dim: int = 128,
        attributes: Sequence[str] = ATTRIBUTES,
        restrict: bool = True,
        max_strength: float = 4.0,
        seed: int = 0,
    ) -> None:
        super().__init__()
        unknown = [a for a in attributes if a not in ATTRIBUTES]
        if unknown:
            raise ValueError(f"unknown attributes {unknown}; known: {', '.join(ATTRIBUTES)}")
        self.layout = LatentLayout(num_regions, w_dim)
        self.attributes = tuple(attributes)
        self.index = {name: i for i, name in enumerate(self.attributes)}
        supports = torch.zeros(len(self.attributes), self.layout.num_ws, dtype=torch.bool)
        for i, name in enumerate(self.attributes):
            if restrict:
                if num_regions != NUM_REGIONS:
                    raise ValueError("restrict=True needs the 13 standard regions")
                regions = ATTRIBUTE_REGIONS[name]
                assert all(r in REGION_INDEX for r in regions)
                supports[i, self.layout.slots(regions)] = True
            else:
                supports[i] = True
        supports = supports.unsqueeze(-1).expand(-1, -1, w_dim).reshape(len(self.attributes), -1)
        directions = restricted_orthonormal(supports, seed)
        self.register_buffer("directions", directions.view(-1, self.layout.num_ws, w_dim))

    def slots(self, name: str) -> list[int]:
        """The code slots an attribute's direction lives in."""
        d = self.directions[self._index(name)]
        return torch.nonzero(d.abs().sum(-1) > 0).flatten().tolist()

    def _index(self, name: str) -> int:
        if name not in self.index:
            raise ValueError(f"unknown attribute {name!r}; known: {', '.join(self.attributes)}")
        return self.index[name]

    def strengths(self, ws: torch.Tensor) -> torch.Tensor:
        """[B, num_attributes]: each code's projection on each direction."""
        return torch.einsum("bsw,asw->ba", ws, self.directions.to(ws.dtype))

    def edit(
        self, ws: torch.Tensor, attributes: Mapping[str, float] | torch.Tensor
    ) -> torch.Tensor:
        """Codes with the given strengths set; the others keep their values.

        Args:
            ws: [B, num_ws, w_dim].
            attributes: {name: strength}, or a [B, num_attributes] tensor whose NaN
                entries mean "keep".
        """
        targets = self._targets(attributes, ws)
        delta = torch.nan_to_num(targets - self.strengths(ws), nan=0.0)
        return ws + torch.einsum("ba,asw->bsw", delta, self.directions.to(ws.dtype))

    def _targets(self, attributes, ws: torch.Tensor) -> torch.Tensor:
        limit = self.config.max_strength
        n = len(self.attributes)
        if isinstance(attributes, torch.Tensor):
            if attributes.shape != (ws.shape[0], n):
                raise ValueError(
                    f"strengths must be [{ws.shape[0]}, {n}], got {list(attributes.shape)}"
                )
            given = attributes[~torch.isnan(attributes)]
            if given.numel() and (given.abs() > limit + 1e-6).any():
                raise ValueError(f"strengths must lie in [-{limit:g}, {limit:g}]")
            return attributes.to(ws)
        if not isinstance(attributes, Mapping):
            raise TypeError(f"attributes must be a dict {{name: strength}}, got {attributes!r}")
        targets = torch.full((ws.shape[0], n), float("nan"), device=ws.device, dtype=ws.dtype)
        for name, value in attributes.items():
            i = self._index(name)
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"strength of {name} must be a number, got {value!r}") from None
            if not math.isfinite(value) or abs(value) > limit:
                raise ValueError(
                    f"strength of {name} must lie in [-{limit:g}, {limit:g}], got {value}"
                )
            targets[:, i] = value
        return targets

    def orthogonality_error(self) -> float:
        """max |D D^T - I| over the flattened directions (0 up to float error)."""
        d = self.directions.flatten(1).double()
        return (d @ d.T - torch.eye(len(d), dtype=d.dtype, device=d.device)).abs().max().item()


def projection_loss(
    strengths: torch.Tensor, attributes: torch.Tensor, target: float = TRAINED_STRENGTH
) -> torch.Tensor:
    """Pull each strength to +-target by the attribute's label (+1 / -1), scaled to ~1."""
    return ((strengths - target * attributes) / target).pow(2).mean()
