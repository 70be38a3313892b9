"""README grid: held-out sketch -> portrait (own colours, then colour seeds when the pipeline
has a StyleBank) -> slider edits -> region swaps with a random donor, one row per face.

python benchmarks/showcase.py weights_card/s2fgan-synth-128 --scale 2
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw

from s2fgan.constants import HELDOUT_SEEDS
from s2fgan.data import SyntheticPortraits
from s2fgan.data.image_io import sketch_to_pil
from s2fgan.pipelines import SketchToFacePipeline

EDITS = (("Smiling", 4.0), ("Male", -4.0), ("Young", -4.0), ("Eyeglasses", 4.0), ("Bangs", 4.0))
SWAPS = (("hair",), ("background",))
STYLES = (3, 1, 2)  # colour seeds shown; the edits and swaps start from the first (dark
# hair, so that Young -4 greys it and the grey-haired donor, random_face(7), swaps visibly)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pipeline")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/figures/showcase.png"))
    parser.add_argument("--rows", type=int, default=4)
    parser.add_argument("--scale", type=int, default=1, help="upscale each cell")
    args = parser.parse_args()

    pipe = SketchToFacePipeline.from_pretrained(args.pipeline)
    size = pipe.resolution
    engine = SyntheticPortraits(size, sketch_style="drawn")
    seeds = list(HELDOUT_SEEDS)[: args.rows + 1]
    data = engine.render(seeds)
    sketches = [sketch_to_pil(s) for s in data.sketch]
    donor = pipe.random_face(seed=7) if pipe.has_styles else pipe(sketches[-1])
    styles = STYLES if pipe.has_styles else ()
    headers = ["sketch", "portrait"] + [f"seed={s}" for s in styles] + ["mask"]
    headers += [f"{n} {v:+g}" for n, v in EDITS]
    headers += ["donor"] + [f"swap {'+'.join(r)}" for r in SWAPS]
    cell = size * args.scale
    top = 16
    grid = Image.new("RGB", (cell * len(headers), top + cell * args.rows), "white")
    draw = ImageDraw.Draw(grid)
    for j, text in enumerate(headers):
        draw.text((j * cell + 3, 2), text, fill="black")
    for i in range(args.rows):
        face = pipe(sketches[i])
        cells = [sketches[i].convert("RGB"), face.images[0]]
        for seed in styles:
            cells.append(pipe(sketches[i], seed=seed).images[0])
        face = pipe(sketches[i], seed=styles[0]) if styles else face
        cells.append(face.masks[0].convert("RGB"))
        cells += [pipe.edit(face, {n: v}).images[0] for n, v in EDITS]
        cells.append(donor.images[0])
        cells += [pipe.swap_regions(face, donor, list(r)).images[0] for r in SWAPS]
        for j, image in enumerate(cells):
            grid.paste(image.resize((cell, cell), Image.NEAREST), (j * cell, top + i * cell))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    grid.save(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
