"""Score a face model on the held-out synthetic split with the evaluator networks.

Every figure of docs/architecture.md ("Evaluation figures"), each with its sample count.
Deterministic: the split is fixed by seed, evaluators run in eval mode, nothing random is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import torch
from tqdm import tqdm

from s2fgan.constants import ATTRIBUTES, HELDOUT_SEEDS, REGION_INDEX
from s2fgan.data import PortraitBatch, SyntheticPortraits
from s2fgan.evaluation import metrics
from s2fgan.evaluation.networks import AttributeClassifier, Segmenter
from s2fgan.evaluation.protocol import FaceModel
from s2fgan.evaluation.style_scores import score_styles


@dataclass
class EvalConfig:
    resolution: int = 128
    num_portraits: int = 512  # sketch_miou, fd, recon (from HELDOUT_SEEDS)
    num_edit: int = 128  # faces edited once per attribute and sign
    num_swap: int = 128  # faces whose regions are swapped with the next face's
    strength: float = 3.0  # slider value for attr_success / attr_leak
    swap_regions: tuple[str, ...] = ("hair", "eyes", "mouth", "background")
    num_style: int = 128  # portraits drawn in each sketch style (sketch_miou_style)
    batch_size: int = 32

    def __post_init__(self) -> None:
        if not 2 <= self.num_portraits <= len(HELDOUT_SEEDS):
            raise ValueError(f"num_portraits must be 2..{len(HELDOUT_SEEDS)}")
        if not (
            1 <= self.num_edit <= self.num_portraits and 2 <= self.num_swap <= self.num_portraits
        ):
            raise ValueError("num_edit must be 1..num_portraits and num_swap 2..num_portraits")
        if not 0 <= self.num_style <= len(HELDOUT_SEEDS):
            raise ValueError(f"num_style must be 0..{len(HELDOUT_SEEDS)} (0: no per-style figures)")


def heldout_portraits(config: EvalConfig) -> PortraitBatch:
    engine = SyntheticPortraits(config.resolution)
    seeds = list(HELDOUT_SEEDS)[: config.num_portraits]
    parts = [engine.render(seeds[i : i + 64]) for i in range(0, len(seeds), 64)]
    return PortraitBatch(
        image=torch.cat([p.image for p in parts]),
        mask=torch.cat([p.mask for p in parts]),
        sketch=torch.cat([p.sketch for p in parts]),
        attributes=torch.cat([p.attributes for p in parts]),
        seeds=torch.cat([p.seeds for p in parts]),
    )


@torch.no_grad()
def evaluate(
    model: FaceModel,
    classifier: AttributeClassifier,
    segmenter: Segmenter,
    config: EvalConfig | None = None,
    progress: bool = True,
) -> tuple[dict, dict[str, torch.Tensor]]:
    """Compute every figure for `model`.

    Returns:
        (results, examples): results is JSON-ready {figures, samples, config}; examples holds
        a few tensors for the plots (sketch, face, segmentation, edits, swaps).
    """
    config = config or EvalConfig()
    classifier.eval()
    segmenter.eval()
    data = heldout_portraits(config)
    n, bs = config.num_portraits, config.batch_size
    bar = tqdm(total=5, desc="eval", disable=not progress)

    def batched(fn: Callable[[slice], torch.Tensor], count: int) -> torch.Tensor:
        return torch.cat([fn(slice(i, min(i + bs, count))) for i in range(0, count, bs)])

    # Sketch -> face: segmentation against the source mask, embeddings for FD.
    faces = batched(lambda s: model.synthesize(model.encode_sketch(data.sketch[s])), n)
    face_seg = batched(lambda s: segmenter(faces[s]).argmax(1), n)
    half = n // 2
    embed = lambda images: batched(lambda s: classifier.embed(images[s]), len(images))  # noqa: E731
    fake_emb, real_emb = embed(faces[:half]), embed(data.image)
    # A model with styles (a sketch's colours drawn by seed) is also scored with portrait i
    # in style i: the same layout, the colours a user gets with a seed.
    styled = bool(getattr(model, "styles", False))
    if styled:
        styled_faces = batched(
            lambda s: model.synthesize(
                model.style(model.encode_sketch(data.sketch[s]), list(range(s.start, s.stop)))
            ),
            n,
        )
        styled_seg = batched(lambda s: segmenter(styled_faces[s]).argmax(1), n)
        styled_emb = embed(styled_faces[:half])
    # Random faces of the mapping network (a model that has one), against the same photos.
    sample_random = getattr(model, "random", None)
    if sample_random is not None:
        random_faces = batched(
            lambda s: model.synthesize(sample_random(range(s.start, s.stop))), half
        )
        random_emb = embed(random_faces)
    bar.update()

    # Photo -> encoder -> generator reconstruction.
    recon = batched(lambda s: model.synthesize(model.encode_image(data.image[s])), n)
    recon_seg = batched(lambda s: segmenter(recon[s]).argmax(1), n)
    bar.update()

    # Attribute sliders: +strength and -strength per attribute, decisions of the classifier.
    m = config.num_edit
    base_logits = batched(lambda s: classifier(faces[s]), m)
    success, success_on, success_off, leak = {}, {}, {}, {}
    edited = {}
    for j, name in enumerate(ATTRIBUTES):
        logits = {}
        for sign in (1, -1):

            def run(s, name=name, sign=sign):
                code = model.edit(
                    model.encode_sketch(data.sketch[s]), {name: sign * config.strength}
                )
                image = model.synthesize(code)
                if s.start == 0:
                    edited[(name, sign)] = image[:4]
                return classifier(image)

            logits[sign] = batched(run, m)
        success_on[name], success_off[name] = metrics.attribute_hits(logits[1], logits[-1], j)
        success[name] = metrics.attribute_success(logits[1], logits[-1], j)
        leak[name] = 0.5 * (
            metrics.attribute_leak(base_logits, logits[1], j)
            + metrics.attribute_leak(base_logits, logits[-1], j)
        )
    bar.update()

    # Region swaps with the next held-out face as donor, region by region.
    k = config.num_swap
    swap_leak, swap_effect, swapped_examples = {}, {}, {}
    donors = torch.roll(torch.arange(k), -1)
    for region in config.swap_regions:
        rid = REGION_INDEX[region]

        def run_swap(s, region=region):
            code = model.encode_sketch(data.sketch[s])
            donor = model.encode_image(data.image[donors[s]])
            return model.synthesize(model.swap(code, donor, [region]))

        after = batched(run_swap, k)
        after_seg = batched(lambda s, after=after: segmenter(after[s]).argmax(1), k)
        area = (face_seg[:k] == rid) | (after_seg == rid)
        swap_leak[region], swap_effect[region] = metrics.swap_change(faces[:k], after, area)
        swapped_examples[region] = after[:4]
    bar.update()

    # Sketch -> face once per drawing style, the held-out style included.
    style_figures, style_samples, style_examples = {}, {}, {}
    if config.num_style > 0:
        style_figures, style_samples, style_examples = score_styles(
            model, segmenter, config.resolution, config.num_style, bs
        )
    bar.update()
    bar.close()

    mean = lambda d: sum(d.values()) / len(d)  # noqa: E731
    figures = {
        "sketch_miou": metrics.miou(face_seg, data.mask[:n]),
        "sketch_iou": metrics.region_iou(face_seg, data.mask[:n]),
        "attr_success": success,
        "attr_success_mean": mean(success),
        "attr_success_min": min(success.values()),
        # the two halves of attr_success: the attribute found at +strength, absent at -strength
        "attr_success_on": success_on,
        "attr_success_off": success_off,
        "attr_leak": leak,
        "attr_leak_mean": mean(leak),
        "swap_leak": swap_leak,
        "swap_leak_mean": mean(swap_leak),
        "swap_effect": swap_effect,
        "swap_effect_mean": mean(swap_effect),
        "fd": metrics.frechet_distance(fake_emb, real_emb[half:]),
        "fd_floor": metrics.frechet_distance(real_emb[:half], real_emb[half:]),
        "recon_l1": ((recon - data.image).abs() / 2).mean().item(),
        "recon_miou": metrics.miou(recon_seg, data.mask[:n]),
        **style_figures,
    }
    samples = {
        "sketch_miou": n,
        "sketch_iou": n,
        "attr_success": 2 * m,
        "attr_success_on": m,
        "attr_success_off": m,
        "attr_leak": 2 * m,
        "swap_leak": k,
        "swap_effect": k,
        "fd": [half, n - half],
        "fd_floor": [half, n - half],
        "recon_l1": n,
        "recon_miou": n,
        **style_samples,
    }
    if sample_random is not None:
        figures["fd_random"] = metrics.frechet_distance(random_emb, real_emb[half:])
        samples["fd_random"] = [half, n - half]
    if styled:
        figures["sketch_miou_styled"] = metrics.miou(styled_seg, data.mask[:n])
        figures["sketch_iou_styled"] = metrics.region_iou(styled_seg, data.mask[:n])
        figures["fd_styled"] = metrics.frechet_distance(styled_emb, real_emb[half:])
        samples["sketch_miou_styled"] = samples["sketch_iou_styled"] = n
        samples["fd_styled"] = [half, n - half]
    results = {"figures": figures, "samples": samples, "config": asdict(config)}
    examples = {
        "sketch": data.sketch[:4],
        "face": faces[:4],
        "styled": styled_faces[:4] if styled else None,
        "segmentation": face_seg[:4],
        "edits": edited,
        "swaps": swapped_examples,
        "styles": style_examples,
    }
    return results, examples
