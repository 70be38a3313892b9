"""Where a slider fails: the same edits on three kinds of code, at several strengths.

`s2fgan eval` edits the sketch's own code (its texture slots from the sketch encoder). A
slider that misses there may miss because of those textures (they never meet a photo's
colours in training under `sketch_texture_from_photo`) or because the generator does not
draw the attribute at all. This script tells the two apart: it edits each held-out portrait's

- `sketch`: the sketch's own code (what `s2fgan eval` and the app edit),
- `sketch+photo`: the sketch's shape slots with the photo's texture slots,
- `photo`: the photo's code (the image encoder's),

and reports, per attribute and strength, the share of edited faces that the evaluator's
classifier finds with the attribute (positive strength) or without it (negative strength),
the `attr_success_on` / `attr_success_off` of `s2fgan eval` at that strength.

    python benchmarks/slider_codes.py weights_card/s2fgan-synth-128 \\
        --attributes No_Beard,Male,Mustache --strengths 3,4 --n 64
"""

from __future__ import annotations

import argparse
import json

import torch
from tqdm import tqdm

from s2fgan.constants import ATTRIBUTES
from s2fgan.evaluation.commands import load_evaluators
from s2fgan.evaluation.evaluate import EvalConfig, heldout_portraits
from s2fgan.evaluation.metrics import attribute_hits
from s2fgan.evaluation.pipeline_model import PipelineModel
from s2fgan.pipelines.loading import load_pipeline
from s2fgan.training.phases import with_textures_of


def codes(model: PipelineModel, sketch: torch.Tensor, photo: torch.Tensor) -> dict:
    """The three kinds of code of each portrait, {kind: ws [N, num_ws, w_dim]}."""
    ws_s, ws_p = model.encode_sketch(sketch), model.encode_image(photo)
    ws_st = with_textures_of(ws_s, ws_p, model.pipe.generator.config.num_regions)
    return {"sketch": ws_s, "sketch+photo": ws_st, "photo": ws_p}


@torch.no_grad()
def slider_table(model: PipelineModel, classifier, data, names, strengths, batch=16) -> dict:
    """{attribute: {code kind: {strength: [on, off]}}} on the portraits in `data`, each face
    judged at the evaluation's resolution as `s2fgan eval` judges it."""
    kinds = codes(model, data.sketch, data.image)
    table = {}
    steps = len(names) * len(kinds) * len(strengths)
    with tqdm(total=steps, desc="sliders") as bar:
        for name in names:
            j = ATTRIBUTES.index(name)
            table[name] = {}
            for kind, ws in kinds.items():
                row = {}
                for strength in strengths:
                    logits = {}
                    for sign in (1, -1):
                        edited = model.edit(ws, {name: sign * strength})
                        logits[sign] = torch.cat(
                            [
                                classifier(model.synthesize(edited[i : i + batch]))
                                for i in range(0, len(edited), batch)
                            ]
                        )
                    row[strength] = list(attribute_hits(logits[1], logits[-1], j))
                    bar.update()
                table[name][kind] = row
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pipeline")
    parser.add_argument("--attributes", default=",".join(ATTRIBUTES))
    parser.add_argument("--strengths", default="3,4", help="comma-separated, each in (0, 4]")
    parser.add_argument("--n", type=int, default=64, help="held-out portraits")
    parser.add_argument("--out", help="JSON of the table")
    args = parser.parse_args()
    names = [a.strip() for a in args.attributes.split(",") if a.strip()]
    unknown = [a for a in names if a not in ATTRIBUTES]
    if unknown:
        parser.error(f"unknown attributes {unknown}; known: {', '.join(ATTRIBUTES)}")
    strengths = [float(s) for s in args.strengths.split(",")]
    if args.n < 2:
        parser.error("--n must be at least 2")
    config = EvalConfig(num_portraits=args.n, num_edit=args.n, num_swap=2, num_style=0)
    model = PipelineModel(load_pipeline(args.pipeline, device="cpu"), config.resolution)
    classifier, _ = load_evaluators(None)
    classifier.eval()
    table = slider_table(model, classifier, heldout_portraits(config), names, strengths)
    print(
        f"{'attribute':12s} {'code':13s} " + " ".join(f"{f'on/off @{s:g}':>14s}" for s in strengths)
    )
    for name, kinds in table.items():
        for kind, row in kinds.items():
            cells = " ".join(f"{row[s][0]:6.2f}/{row[s][1]:<7.2f}" for s in strengths)
            print(f"{name:12s} {kind:13s} {cells}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"pipeline": args.pipeline, "n": args.n, "table": table}, f, indent=2)


if __name__ == "__main__":
    main()
