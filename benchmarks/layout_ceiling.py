"""How much of the sketch -> face mIoU gap lies in the sketch encoder: held-out sketch codes
are optimised directly, through the frozen generator, towards their ground-truth masks.

Each code starts as the sketch encoder's and Adam moves it to lower the region-balanced
cross-entropy of the generator's segmentation against the true mask (which no user has; this
is a diagnostic, not a method). If the faces of the optimised codes score far higher with the
evaluator's segmenter than the encoder's, the generator can draw those layouts and the encoder
is what falls short.

    python benchmarks/layout_ceiling.py --model weights_card/s2fgan-synth-128 --n 32 --steps 300
"""

from __future__ import annotations

import argparse
import json

import torch
import torch.nn.functional as F
from tqdm import tqdm

from s2fgan.evaluation import metrics
from s2fgan.evaluation.commands import load_evaluators
from s2fgan.evaluation.evaluate import EvalConfig, heldout_portraits
from s2fgan.pipelines import SketchToFacePipeline
from s2fgan.training.losses import region_weights


def scores(generator, segmenter, ws: torch.Tensor, mask: torch.Tensor) -> dict:
    """mIoU of the faces (evaluator's segmenter) and of the generator's own segmentation."""
    with torch.no_grad():
        out = generator(ws)
        judged = segmenter(out.image.clamp(-1, 1)).argmax(1)
    return {
        "face_miou": metrics.miou(judged, mask),
        "own_miou": metrics.miou(out.segmentation.argmax(1), mask),
        "face_iou": metrics.region_iou(judged, mask),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="weights_card/s2fgan-synth-128")
    parser.add_argument("--n", type=int, default=32, help="held-out portraits")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--lr", type=float, default=0.01)
    args = parser.parse_args()
    torch.set_flush_denormal(True)
    pipe = SketchToFacePipeline.from_pretrained(args.model)
    _, segmenter = load_evaluators()
    data = heldout_portraits(EvalConfig(num_portraits=args.n, num_edit=args.n, num_swap=args.n))
    generator = pipe.generator.eval().requires_grad_(False)
    with torch.no_grad():
        start = pipe.sketch_encoder(data.sketch)
    weight = region_weights(data.mask, generator.config.num_regions)
    ws = start.clone().requires_grad_(True)
    opt = torch.optim.Adam([ws], lr=args.lr)
    for _ in tqdm(range(args.steps), desc="optimise codes"):
        loss = F.cross_entropy(generator(ws).segmentation, data.mask, weight=weight)
        opt.zero_grad()
        loss.backward()
        opt.step()
    result = {
        "portraits": args.n,
        "steps": args.steps,
        "encoder": scores(generator, segmenter, start, data.mask),
        "optimised": scores(generator, segmenter, ws.detach(), data.mask),
    }
    print(json.dumps(result, indent=1))
    for name in ("encoder", "optimised"):
        r = result[name]
        print(f"{name:9s} face mIoU {r['face_miou']:.3f}  generator's own mIoU {r['own_miou']:.3f}")


if __name__ == "__main__":
    main()
