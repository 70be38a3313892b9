"""How well portraits follow simple face drawings of the kind people make with a mouse.

The drawings are made here with PIL, apart from the data engine (no portrait geometry, no
engine stroke model): an oval, eyes as dots, circles or almonds, brows sometimes, the nose as
a line, an L or two dots, the mouth as a line, a smile or an open oval, hair as one arc or
none, ears sometimes, no neck; the face fills most of a 384 px canvas (the app's) at a random
place and size, strokes 3-9 px wide with a mouse's jitter. Each goes through the pipeline as
the app's canvas does (`prepare_sketch`: normalised and framed), and the evaluator's segmenter
reads the portrait:

- `face_iou`: IoU of the drawn face (the filled oval, framed like the drawing) with the
  portrait's face (skin, eyes, brows, nose, mouth);
- `eyes_hit` / `mouth_hit`: share of drawings whose portrait has eye (mouth) pixels within a
  small disk around each drawn eye (the drawn mouth).

    python benchmarks/simple_faces.py weights_card/s2fgan-synth-128 OTHER_MODEL --n 64 \\
        --grid benchmarks/figures/simple_faces.png
"""

from __future__ import annotations

import argparse
import json
import math
import random
from dataclasses import dataclass

import torch
from PIL import Image, ImageDraw

from s2fgan.constants import REGION_INDEX
from s2fgan.data.image_io import sketch_to_tensor
from s2fgan.data.sketch_input import ink_placement, normalize_sketch, place, prepare_sketch
from s2fgan.evaluation.commands import load_evaluators
from s2fgan.pipelines import SketchToFacePipeline

CANVAS = 384
FACE = [REGION_INDEX[r] for r in ("skin", "eyes", "brows", "nose", "mouth")]
HIT_RADIUS = 0.06  # of the output side


@dataclass
class Drawing:
    sketch: Image.Image  # "L", black strokes on white
    face: Image.Image  # "L", the filled oval black on white
    eyes: list[tuple[float, float]]  # canvas pixels
    mouth: tuple[float, float]


def _jittered(points, rng: random.Random, sigma: float) -> list[tuple[float, float]]:
    return [(x + rng.gauss(0, sigma), y + rng.gauss(0, sigma)) for x, y in points]


def _arc(cx, cy, rx, ry, t0, t1, n=40) -> list[tuple[float, float]]:
    """Points of an ellipse arc, angles in radians (y grows downwards)."""
    return [
        (cx + rx * math.cos(t), cy + ry * math.sin(t))
        for t in (t0 + (t1 - t0) * i / (n - 1) for i in range(n))
    ]


def simple_face(seed: int) -> Drawing:
    rng = random.Random(seed)
    s = CANVAS
    width = rng.choice([3, 4, 5, 6, 7, 9])
    sigma = rng.uniform(0.0, 0.005) * s
    a = rng.uniform(0.22, 0.33) * s
    b = min(a * rng.uniform(1.15, 1.4), 0.42 * s)
    lo_x, hi_x = max(a + 0.04 * s, 0.35 * s), min(s - a - 0.04 * s, 0.65 * s)
    lo_y, hi_y = max(b + 0.08 * s, 0.4 * s), min(s - b - 0.03 * s, 0.62 * s)
    cx = rng.uniform(lo_x, hi_x) if lo_x < hi_x else s / 2
    cy = rng.uniform(lo_y, hi_y) if lo_y < hi_y else s / 2

    sketch = Image.new("L", (s, s), 255)
    draw = ImageDraw.Draw(sketch)

    def line(points):
        draw.line(_jittered(points, rng, sigma), fill=0, width=width, joint="curve")

    def dot(x, y, r):
        draw.ellipse([x - r, y - r, x + r, y + r], fill=0)

    gap = rng.uniform(0, 0.4)  # an oval left open at the top or closed
    line(_arc(cx, cy, a, b, -math.pi / 2 + gap, 3 * math.pi / 2 - gap, 80))

    ey = cy - rng.uniform(0.0, 0.2) * b
    dx = rng.uniform(0.32, 0.45) * a
    r = rng.uniform(0.07, 0.14) * a
    eyes = [(cx - dx, ey), (cx + dx, ey)]
    kind = rng.choice(["dot", "circle", "almond"])
    for x, y in eyes:
        if kind == "dot":
            dot(x, y, max(r * 0.5, width))
        elif kind == "circle":
            line(_arc(x, y, r, r, 0, 2 * math.pi, 24))
            if rng.random() < 0.5:
                dot(x, y, max(r * 0.3, width / 2))
        else:
            line(_arc(x, y + r * 0.6, r * 1.4, r * 1.2, math.pi * 1.15, math.pi * 1.85, 16))
            line(_arc(x, y - r * 0.6, r * 1.4, r * 1.2, math.pi * 0.15, math.pi * 0.85, 16))
        if rng.random() < 0.6:  # a brow
            by = y - r - rng.uniform(0.1, 0.2) * a
            line([(x - r * 1.5, by + r * 0.2), (x, by - r * 0.2), (x + r * 1.5, by + r * 0.2)])

    top, bottom = cy + rng.uniform(-0.05, 0.1) * b, cy + rng.uniform(0.25, 0.4) * b
    nose = rng.choice(["line", "L", "dots"])
    if nose == "dots":
        for side in (-1, 1):
            dot(cx + side * 0.08 * a, bottom, max(width * 0.8, 2))
    else:
        line([(cx, top), (cx, bottom)] + ([(cx + 0.12 * a, bottom)] if nose == "L" else []))

    my = cy + rng.uniform(0.5, 0.65) * b
    mw = rng.uniform(0.2, 0.4) * a
    mouth = rng.choice(["line", "smile", "open"])
    if mouth == "line":
        line([(cx - mw, my), (cx + mw, my)])
    elif mouth == "smile":
        line(_arc(cx, my - 0.5 * mw, mw, 0.6 * mw, 0.15 * math.pi, 0.85 * math.pi, 20))
    else:
        line(_arc(cx, my, mw * 0.6, mw * 0.35, 0, 2 * math.pi, 24))

    if rng.random() < 0.75:  # hair: one arc over the top of the head
        t0, t1 = math.pi * rng.uniform(1.0, 1.2), math.pi * rng.uniform(1.8, 2.0)
        line(_arc(cx, cy - 0.05 * b, a * 1.1, b * 1.12, t0, t1, 50))
    if rng.random() < 0.4:  # ears
        for side, (t0, t1) in (
            (-1, (math.pi / 2, 3 * math.pi / 2)),
            (1, (-math.pi / 2, math.pi / 2)),
        ):
            line(_arc(cx + side * a, ey + 0.1 * b, 0.15 * a, 0.22 * b, t0, t1, 12))

    face = Image.new("L", (s, s), 255)
    ImageDraw.Draw(face).ellipse([cx - a, cy - b, cx + a, cy + b], fill=0)
    return Drawing(sketch, face, eyes, (cx, my))


def _hit(regions: torch.Tensor, region: int, x: float, y: float, radius: float) -> bool:
    size = regions.shape[-1]
    ys, xs = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    disk = (xs - x) ** 2 + (ys - y) ** 2 <= radius**2
    return bool((regions[disk] == region).any())


@torch.no_grad()
def score(pipe: SketchToFacePipeline, segmenter, drawings: list[Drawing]) -> tuple[dict, list]:
    size = pipe.resolution
    radius = HIT_RADIUS * size
    ious, eyes_hit, mouth_hit, faces = [], [], [], []
    for d in drawings:
        sketch = prepare_sketch(d.sketch, size)
        placement = ink_placement(normalize_sketch(sketch_to_tensor(d.sketch)[0]), size)
        drawn_face = place(sketch_to_tensor(d.face)[0], size, placement) < 0.5
        image = pipe.render(pipe.encode_sketch(sketch)).images.clamp(-1, 1)
        regions = segmenter(image).argmax(1)[0]
        face = torch.isin(regions, torch.tensor(FACE))
        ious.append(((face & drawn_face).sum() / (face | drawn_face).sum()).item())
        eyes = [placement.point(x, y, CANVAS, CANVAS) for x, y in d.eyes]
        eyes_hit.append(all(_hit(regions, REGION_INDEX["eyes"], x, y, radius) for x, y in eyes))
        mx, my = placement.point(*d.mouth, CANVAS, CANVAS)
        mouth_hit.append(_hit(regions, REGION_INDEX["mouth"], mx, my, radius))
        faces.append((sketch[0, 0], image[0]))
    n = len(drawings)
    figures = {
        "face_iou": sum(ious) / n,
        "eyes_hit": sum(eyes_hit) / n,
        "mouth_hit": sum(mouth_hit) / n,
    }
    return figures, faces


def grid(columns: list[list], path: str) -> None:
    """Rows of drawings: the prepared sketch, then each model's portrait."""
    from s2fgan.data.image_io import tensor_to_pil

    rows = []
    for i in range(len(columns[0])):
        sketch = columns[0][i][0].expand(3, -1, -1) * 2 - 1
        rows.append(torch.cat([sketch] + [col[i][1] for col in columns], 2))
    tensor_to_pil(torch.cat(rows, 1)).save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", help="saved pipeline folders")
    parser.add_argument("--n", type=int, default=64, help="drawings (seeds 0..n-1)")
    parser.add_argument("--grid", default="", help="PNG: 8 drawings and each model's portrait")
    parser.add_argument("--out", default="", help="JSON of the figures")
    args = parser.parse_args()

    torch.manual_seed(0)
    _, segmenter = load_evaluators()
    drawings = [simple_face(seed) for seed in range(args.n)]
    results, columns = {}, []
    for model in args.models:
        pipe = SketchToFacePipeline.from_pretrained(model)
        results[model], faces = score(pipe, segmenter, drawings)
        columns.append(faces[:8])
        print(model, json.dumps({k: round(v, 3) for k, v in results[model].items()}))
    if args.grid:
        grid(columns, args.grid)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
