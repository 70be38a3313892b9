"""Time to prepare a sketch file (decode, flatten the paper, frame) by its size, as the app and
`s2fgan generate` do it for a 128 px model:

    python benchmarks/prepare_time.py --sides 384 1024 2048 4096 --runs 3

Each page is a face drawn with 0.4%-of-the-side lines on unevenly lit grey paper, saved as PNG
and as JPEG (a phone photo of paper). Prints the median seconds per file and the cost per
megapixel, which stays about flat when the time is linear in the pixels.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from s2fgan.data.sketch_input import prepare_sketch


def page(side: int) -> Image.Image:
    """A drawn face on grey paper that darkens towards one corner."""
    ramp = np.linspace(0.95, 0.75, side, dtype=np.float32)
    paper = (np.outer(ramp, np.ones(side, dtype=np.float32)) * 220).astype(np.uint8)
    image = Image.fromarray(paper, "L")
    draw = ImageDraw.Draw(image)
    s, w = side, max(1, round(0.004 * side))
    draw.ellipse((0.3 * s, 0.2 * s, 0.7 * s, 0.75 * s), outline=40, width=w)
    for x in (0.42, 0.58):
        draw.ellipse(((x - 0.04) * s, 0.4 * s, (x + 0.04) * s, 0.44 * s), outline=40, width=w)
    draw.line((0.5 * s, 0.45 * s, 0.48 * s, 0.55 * s, 0.52 * s, 0.56 * s), fill=40, width=w)
    draw.arc((0.42 * s, 0.55 * s, 0.58 * s, 0.65 * s), 20, 160, fill=40, width=w)
    return image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sides", type=int, nargs="+", default=[384, 1024, 2048, 4096])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", type=int, default=128, help="the model's resolution")
    args = parser.parse_args()
    print("| page | file | prepare s (median) | s per megapixel |\n|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for side in args.sides:
            for fmt in ("PNG", "JPEG"):
                path = Path(folder) / f"page_{side}.{fmt.lower()}"
                page(side).save(path, format=fmt, quality=85)
                prepare_sketch(path, args.size)  # warm-up
                times = []
                for _ in range(args.runs):
                    start = time.perf_counter()
                    prepare_sketch(path, args.size)
                    times.append(time.perf_counter() - start)
                median = statistics.median(times)
                size = f"{path.stat().st_size / 1024:.0f} KB"
                print(
                    f"| {side}x{side} | {fmt} {size} | {median:.3f} | "
                    f"{median / (side * side / 1e6):.3f} |"
                )


if __name__ == "__main__":
    main()
