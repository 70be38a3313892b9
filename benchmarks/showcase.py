"""README grid, one row per drawing: held-out engine sketches in several drawing styles, then
simple drawings made apart from the engine (`simple_faces.py`, as a mouse draws them) -> the
sketch as the encoder sees it -> portrait (own colours, then colour styles) -> its region mask
-> slider edits -> a random face (the row's swap donor) -> region swaps from it.

python benchmarks/showcase.py weights_card/s2fgan-synth-128 --scale 2
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw
from simple_faces import simple_face  # beside this script: python puts its folder on the path

from s2fgan.constants import HELDOUT_SEEDS
from s2fgan.data import SyntheticPortraits
from s2fgan.data.image_io import sketch_to_pil
from s2fgan.pipelines import SketchToFacePipeline

EDITS = (("Smiling", 4.0), ("Male", -4.0), ("Young", -4.0), ("Eyeglasses", 4.0), ("Bangs", 4.0))
SWAPS = (("hair",), ("background",))
STYLES = (3, 1, 2)  # colour styles shown; the edits and swaps start from the first
DRAWINGS = "drawn,outline,mouse,marker,heldout"  # heldout: a style no training run uses
SIMPLE = "0,1,3"  # simple_faces.py seeds: a smile with hair, a flat mouth, an open mouth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pipeline")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/figures/showcase.png"))
    parser.add_argument("--drawings", default=DRAWINGS, help="one row per drawing style")
    parser.add_argument(
        "--simple", default=SIMPLE, help="one row per simple drawing (simple_faces.py seeds)"
    )
    parser.add_argument("--scale", type=int, default=1, help="upscale each cell")
    args = parser.parse_args()

    pipe = SketchToFacePipeline.from_pretrained(args.pipeline)
    size = pipe.resolution
    drawings = [d.strip() for d in args.drawings.split(",") if d.strip()]
    seeds = list(HELDOUT_SEEDS)[: len(drawings)]
    sketches = [
        sketch_to_pil(SyntheticPortraits(size, sketch_style=drawing).render([seed]).sketch[0])
        for drawing, seed in zip(drawings, seeds, strict=True)
    ]
    simple = [int(s) for s in args.simple.split(",") if s.strip()]
    sketches += [simple_face(seed).sketch for seed in simple]
    drawings += [f"simple {seed}" for seed in simple]
    headers = ["sketch", "portrait"] + [f"style={s}" for s in STYLES] + ["mask"]
    headers += [f"{n} {v:+g}" for n, v in EDITS]
    headers += ["random face"] + [f"swap {'+'.join(r)}" for r in SWAPS]
    cell = size * args.scale
    top = 16
    grid = Image.new("RGB", (cell * len(headers), top + cell * len(drawings)), "white")
    draw = ImageDraw.Draw(grid)
    for j, text in enumerate(headers):
        draw.text((j * cell + 3, 2), text, fill="black")
    for i, (drawing, sketch) in enumerate(zip(drawings, sketches, strict=True)):
        face = pipe(sketch)
        cells = [face.sketches[0].convert("RGB"), face.images[0]]
        styled = [pipe(sketch, style=style) for style in STYLES]
        cells += [out.images[0] for out in styled]
        face = styled[0]
        cells.append(face.masks[0].convert("RGB"))
        cells += [pipe.edit(face, {n: v}).images[0] for n, v in EDITS]
        donor = pipe.random_face(seed=7 + i)
        cells.append(donor.images[0])
        cells += [pipe.swap_regions(face, donor, list(r)).images[0] for r in SWAPS]
        for j, image in enumerate(cells):
            grid.paste(image.resize((cell, cell), Image.NEAREST), (j * cell, top + i * cell))
        draw.text((3, top + i * cell + cell - 12), drawing, fill="red")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    grid.save(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
