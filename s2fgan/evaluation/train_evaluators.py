"""Train the evaluator networks from scratch on the data engine's TRAIN seeds.

    s2fgan evaluators train   (or: python -m s2fgan.evaluation.train_evaluators)

Resumable: a checkpoint (`checkpoint.pt`) is written every `--save-every` steps and picked up
again by the same command. At the end each network is saved with `save_pretrained` in
`OUT/classifier` and `OUT/segmenter`, and `OUT/heldout.json` records their accuracy and mIoU
on the held-out split.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from s2fgan.constants import ATTRIBUTES, HELDOUT_SEEDS
from s2fgan.data import SyntheticPortraits
from s2fgan.evaluation.augment import augment
from s2fgan.evaluation.metrics import miou
from s2fgan.evaluation.networks import AttributeClassifier, Segmenter
from s2fgan.evaluation.train_arguments import DEFAULT_WEIGHTS, add_arguments  # noqa: F401

logger = logging.getLogger(__name__)


@torch.no_grad()
def score(classifier, segmenter, engine, seeds, batch_size: int = 64) -> dict:
    """Per-attribute accuracy and segmentation mIoU on the given seeds."""
    classifier.eval()
    segmenter.eval()
    correct = torch.zeros(len(ATTRIBUTES))
    preds, masks = [], []
    seeds = list(seeds)
    for i in range(0, len(seeds), batch_size):
        batch = engine.render(seeds[i : i + batch_size])
        logits = classifier(batch.image)
        correct += ((logits > 0).float() * 2 - 1 == batch.attributes).float().sum(0)
        preds.append(segmenter(batch.image).argmax(1))
        masks.append(batch.mask)
    accuracy = correct / len(seeds)
    return {
        "num_portraits": len(seeds),
        "attribute_accuracy": {
            name: round(a.item(), 4) for name, a in zip(ATTRIBUTES, accuracy, strict=True)
        },
        "mean_attribute_accuracy": round(accuracy.mean().item(), 4),
        "segmenter_miou": round(miou(torch.cat(preds), torch.cat(masks)), 4),
    }


def train(args: argparse.Namespace) -> dict:
    torch.manual_seed(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    engine = SyntheticPortraits(args.resolution, compile=args.compile, chunk_size=args.batch_size)
    networks = set(getattr(args, "networks", "classifier,segmenter").split(","))
    if not networks or networks - {"classifier", "segmenter"}:
        raise ValueError(f"--networks takes classifier and/or segmenter, got {sorted(networks)}")
    classifier = AttributeClassifier(stem_width=getattr(args, "classifier_stem", 0))
    segmenter = Segmenter()
    params = []
    for name, net in (("classifier", classifier), ("segmenter", segmenter)):
        if name in networks:
            params += list(net.parameters())
        else:  # kept as trained before, e.g. retraining only the classifier
            net.load_state_dict(type(net).from_pretrained(out / name).state_dict())
            net.requires_grad_(False)
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=1e-4)
    warmup = max(1, args.steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * s / args.steps)),
    )
    step, ckpt = 0, out / "checkpoint.pt"
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=True)
        classifier.load_state_dict(state["classifier"])
        segmenter.load_state_dict(state["segmenter"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        step = state["step"]
        logger.info("resumed from %s at step %d", ckpt, step)
    noise = torch.Generator().manual_seed(args.seed + step)
    start = time.time()
    bar = tqdm(range(step, args.steps), initial=step, total=args.steps, desc="evaluators")
    for step in bar:
        classifier.train()
        segmenter.train()
        # TRAIN seeds: a fresh, never repeated block per step.
        seeds = range(step * args.batch_size, (step + 1) * args.batch_size)
        batch = engine.render(seeds)
        image = augment(batch.image, noise)
        zero = image.new_zeros(())
        attr_loss, seg_loss = zero, zero
        if "classifier" in networks:
            attr_loss = F.binary_cross_entropy_with_logits(
                classifier(image), (batch.attributes + 1) / 2
            )
        if "segmenter" in networks:
            seg_loss = F.cross_entropy(segmenter(image), batch.mask)
        optimizer.zero_grad(set_to_none=True)
        (attr_loss + seg_loss).backward()
        optimizer.step()
        schedule.step()
        bar.set_postfix(attr=f"{attr_loss.item():.3f}", seg=f"{seg_loss.item():.3f}")
        if (step + 1) % args.save_every == 0 or step + 1 == args.steps:
            torch.save(
                {
                    "classifier": classifier.state_dict(),
                    "segmenter": segmenter.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "schedule": schedule.state_dict(),
                    "step": step + 1,
                },
                ckpt,
            )
    for name, net in (("classifier", classifier), ("segmenter", segmenter)):
        if name in networks:
            net.save_pretrained(out / name)
    report = score(classifier, segmenter, SyntheticPortraits(args.resolution), HELDOUT_SEEDS)
    report.update(
        steps=args.steps,
        batch_size=args.batch_size,
        resolution=args.resolution,
        train_seconds_this_run=round(time.time() - start),
        seed=args.seed,
        networks_trained=sorted(networks),
    )
    (out / "heldout.json").write_text(json.dumps(report, indent=2))
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train the evaluator networks from scratch.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    report = train(args)
    logger.info("held-out: %s", json.dumps(report))


if __name__ == "__main__":
    main()
