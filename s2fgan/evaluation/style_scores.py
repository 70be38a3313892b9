"""`sketch_miou` per drawing style: how well sketches of every style, and of the held-out style
that no training uses, are followed.

Each style draws the same held-out portraits (the same seeds, so the same masks) in its own
way; the figure of a style is the mIoU between the segmenter's reading of the faces made from
its sketches and the portraits' true masks, as for `sketch_miou`.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from s2fgan.constants import HELDOUT_SEEDS
from s2fgan.data import SyntheticPortraits
from s2fgan.data.sketch_styles import HELDOUT_STYLE, SKETCH_STYLES
from s2fgan.evaluation import metrics
from s2fgan.evaluation.networks import Segmenter
from s2fgan.evaluation.protocol import FaceModel


@torch.no_grad()
def score_styles(
    model: FaceModel,
    segmenter: Segmenter,
    resolution: int,
    count: int,
    batch_size: int = 32,
    styles: Sequence[str] = SKETCH_STYLES,
) -> tuple[dict, dict, dict[str, dict[str, torch.Tensor]]]:
    """mIoU of the faces made from each style's sketches of the first `count` held-out seeds.

    Returns:
        (figures, samples, examples): figures has `sketch_miou_style` {style: mIoU} and
        `sketch_miou_heldout_style`; examples holds per style four sketches [4, 1, H, W] and
        their faces [4, 3, H, W] for the plot.
    """
    seeds = list(HELDOUT_SEEDS)[:count]
    scores, examples = {}, {}
    for style in styles:
        engine = SyntheticPortraits(resolution, sketch_style=style)
        segs, masks = [], []
        for i in range(0, count, batch_size):
            batch = engine.render(seeds[i : i + batch_size])
            face = model.synthesize(model.encode_sketch(batch.sketch))
            segs.append(segmenter(face).argmax(1))
            masks.append(batch.mask)
            if i == 0:
                examples[style] = {"sketch": batch.sketch[:4], "face": face[:4]}
        scores[style] = metrics.miou(torch.cat(segs), torch.cat(masks))
    figures = {"sketch_miou_style": scores}
    samples = {"sketch_miou_style": count}
    if HELDOUT_STYLE in scores:
        figures["sketch_miou_heldout_style"] = scores[HELDOUT_STYLE]
        samples["sketch_miou_heldout_style"] = count
    return figures, samples, examples
