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


def _batched(fn: Callable[[slice], torch.Tensor], count: int, batch_size: int) -> torch.Tensor:
    """fn over slices of at most batch_size of range(count), concatenated."""
    return torch.cat(
        [fn(slice(i, min(i + batch_size, count))) for i in range(0, count, batch_size)]
    )


@dataclass
class _SketchFaces:
    """Sketch -> face on the held-out portraits: the faces, their segmentation and the
    embeddings for FD (fake: the first half's faces; real: every photo); the same in style i
    for portrait i (a model with styles) and random faces' embeddings (a model with a mapping
    network), else None."""

    faces: torch.Tensor
    segmentation: torch.Tensor
    fake_embedding: torch.Tensor
    real_embedding: torch.Tensor
    styled_faces: torch.Tensor | None = None
    styled_segmentation: torch.Tensor | None = None
    styled_embedding: torch.Tensor | None = None
    random_embedding: torch.Tensor | None = None


def _sketch_to_face(
    model: FaceModel,
    classifier: AttributeClassifier,
    segmenter: Segmenter,
    data: PortraitBatch,
    config: EvalConfig,
) -> _SketchFaces:
    """Sketch -> face: segmentation against the source mask, embeddings for FD."""
    n, bs = config.num_portraits, config.batch_size
    half = n // 2
    faces = _batched(lambda s: model.synthesize(model.encode_sketch(data.sketch[s])), n, bs)
    face_seg = _batched(lambda s: segmenter(faces[s]).argmax(1), n, bs)

    def embed(images: torch.Tensor) -> torch.Tensor:
        return _batched(lambda s: classifier.embed(images[s]), len(images), bs)

    out = _SketchFaces(faces, face_seg, embed(faces[:half]), embed(data.image))
    # A model with styles (a sketch's colours drawn by seed) is also scored with portrait i
    # in style i: the same layout, the colours a user gets with a seed.
    if getattr(model, "styles", False):
        out.styled_faces = _batched(
            lambda s: model.synthesize(
                model.style(model.encode_sketch(data.sketch[s]), list(range(s.start, s.stop)))
            ),
            n,
            bs,
        )
        out.styled_segmentation = _batched(
            lambda s: segmenter(out.styled_faces[s]).argmax(1), n, bs
        )
        out.styled_embedding = embed(out.styled_faces[:half])
    # Random faces of the mapping network (a model that has one), against the same photos.
    sample_random = getattr(model, "random", None)
    if sample_random is not None:
        random_faces = _batched(
            lambda s: model.synthesize(sample_random(range(s.start, s.stop))), half, bs
        )
        out.random_embedding = embed(random_faces)
    return out


def _reconstruction(
    model: FaceModel, segmenter: Segmenter, data: PortraitBatch, config: EvalConfig
) -> dict[str, float]:
    """Photo -> encoder -> generator reconstruction: recon_l1 and recon_miou."""
    n, bs = config.num_portraits, config.batch_size
    recon = _batched(lambda s: model.synthesize(model.encode_image(data.image[s])), n, bs)
    recon_seg = _batched(lambda s: segmenter(recon[s]).argmax(1), n, bs)
    return {
        "recon_l1": ((recon - data.image).abs() / 2).mean().item(),
        "recon_miou": metrics.miou(recon_seg, data.mask[:n]),
    }


def _sliders(
    model: FaceModel,
    classifier: AttributeClassifier,
    data: PortraitBatch,
    faces: torch.Tensor,
    config: EvalConfig,
) -> tuple[dict[str, dict[str, float]], dict[tuple[str, int], torch.Tensor]]:
    """Attribute sliders: +strength and -strength per attribute, decisions of the classifier.
    Returns {attr_success, attr_success_on, attr_success_off, attr_leak: {attribute: value}}
    and the first four edited faces of each attribute and sign."""
    m, bs = config.num_edit, config.batch_size
    base_logits = _batched(lambda s: classifier(faces[s]), m, bs)
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

            logits[sign] = _batched(run, m, bs)
        success_on[name], success_off[name] = metrics.attribute_hits(logits[1], logits[-1], j)
        success[name] = metrics.attribute_success(logits[1], logits[-1], j)
        leak[name] = 0.5 * (
            metrics.attribute_leak(base_logits, logits[1], j)
            + metrics.attribute_leak(base_logits, logits[-1], j)
        )
    scores = {
        "attr_success": success,
        "attr_success_on": success_on,
        "attr_success_off": success_off,
        "attr_leak": leak,
    }
    return scores, edited


def _swaps(
    model: FaceModel,
    segmenter: Segmenter,
    data: PortraitBatch,
    sketch_faces: _SketchFaces,
    config: EvalConfig,
) -> tuple[dict[str, float], dict[str, float], dict[str, torch.Tensor]]:
    """Region swaps with the next held-out face as donor, region by region. Returns
    swap_leak and swap_effect per region and the first four swapped faces per region."""
    k, bs = config.num_swap, config.batch_size
    faces, face_seg = sketch_faces.faces, sketch_faces.segmentation
    swap_leak, swap_effect, swapped_examples = {}, {}, {}
    donors = torch.roll(torch.arange(k), -1)
    for region in config.swap_regions:
        rid = REGION_INDEX[region]

        def run_swap(s, region=region):
            code = model.encode_sketch(data.sketch[s])
            donor = model.encode_image(data.image[donors[s]])
            return model.synthesize(model.swap(code, donor, [region]))

        after = _batched(run_swap, k, bs)
        after_seg = _batched(lambda s, after=after: segmenter(after[s]).argmax(1), k, bs)
        area = (face_seg[:k] == rid) | (after_seg == rid)
        swap_leak[region], swap_effect[region] = metrics.swap_change(faces[:k], after, area)
        swapped_examples[region] = after[:4]
    return swap_leak, swap_effect, swapped_examples


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
    bar = tqdm(total=5, desc="eval", disable=not progress)
    sketch = _sketch_to_face(model, classifier, segmenter, data, config)
    bar.update()
    recon = _reconstruction(model, segmenter, data, config)
    bar.update()
    sliders, edited = _sliders(model, classifier, data, sketch.faces, config)
    bar.update()
    swap_leak, swap_effect, swapped_examples = _swaps(model, segmenter, data, sketch, config)
    bar.update()
    # Sketch -> face once per drawing style, the held-out style included.
    style_figures, style_samples, style_examples = {}, {}, {}
    if config.num_style > 0:
        style_figures, style_samples, style_examples = score_styles(
            model, segmenter, config.resolution, config.num_style, config.batch_size
        )
    bar.update()
    bar.close()

    figures, samples = _figures(data, config, sketch, recon, sliders, swap_leak, swap_effect)
    figures |= style_figures
    samples |= style_samples
    _add_optional_figures(figures, samples, data, config, sketch)
    results = {"figures": figures, "samples": samples, "config": asdict(config)}
    examples = {
        "sketch": data.sketch[:4],
        "face": sketch.faces[:4],
        "styled": None if sketch.styled_faces is None else sketch.styled_faces[:4],
        "segmentation": sketch.segmentation[:4],
        "edits": edited,
        "swaps": swapped_examples,
        "styles": style_examples,
    }
    return results, examples


def _figures(
    data: PortraitBatch,
    config: EvalConfig,
    sketch: _SketchFaces,
    recon: dict[str, float],
    sliders: dict[str, dict[str, float]],
    swap_leak: dict[str, float],
    swap_effect: dict[str, float],
) -> tuple[dict, dict]:
    """The figures every model gets, and the sample count of each."""
    n, m, k = config.num_portraits, config.num_edit, config.num_swap
    half = n // 2
    mean = lambda d: sum(d.values()) / len(d)  # noqa: E731
    success, leak = sliders["attr_success"], sliders["attr_leak"]
    real = sketch.real_embedding
    figures = {
        "sketch_miou": metrics.miou(sketch.segmentation, data.mask[:n]),
        "sketch_iou": metrics.region_iou(sketch.segmentation, data.mask[:n]),
        "attr_success": success,
        "attr_success_mean": mean(success),
        "attr_success_min": min(success.values()),
        # the two halves of attr_success: the attribute found at +strength, absent at -strength
        "attr_success_on": sliders["attr_success_on"],
        "attr_success_off": sliders["attr_success_off"],
        "attr_leak": leak,
        "attr_leak_mean": mean(leak),
        "swap_leak": swap_leak,
        "swap_leak_mean": mean(swap_leak),
        "swap_effect": swap_effect,
        "swap_effect_mean": mean(swap_effect),
        "fd": metrics.frechet_distance(sketch.fake_embedding, real[half:]),
        "fd_floor": metrics.frechet_distance(real[:half], real[half:]),
        **recon,
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
    }
    return figures, samples


def _add_optional_figures(
    figures: dict, samples: dict, data: PortraitBatch, config: EvalConfig, sketch: _SketchFaces
) -> None:
    """fd_random for a model with random faces; the _styled figures for a model with styles."""
    n = config.num_portraits
    half = n // 2
    real = sketch.real_embedding
    if sketch.random_embedding is not None:
        figures["fd_random"] = metrics.frechet_distance(sketch.random_embedding, real[half:])
        samples["fd_random"] = [half, n - half]
    if sketch.styled_faces is not None:
        seg = sketch.styled_segmentation
        figures["sketch_miou_styled"] = metrics.miou(seg, data.mask[:n])
        figures["sketch_iou_styled"] = metrics.region_iou(seg, data.mask[:n])
        figures["fd_styled"] = metrics.frechet_distance(sketch.styled_embedding, real[half:])
        samples["sketch_miou_styled"] = samples["sketch_iou_styled"] = n
        samples["fd_styled"] = [half, n - half]
