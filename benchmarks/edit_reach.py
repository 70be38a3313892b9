"""Why an edit does not learn: does the engine's counterfactual differ where the generator can
draw it, does the training loss see the difference, can the attribute's direction reach it?

For one attribute edit (default: drawing a beard, No_Beard from +1 to -1; `--attribute Male`
for male to female), on held-out portraits rendered by the engine with the attribute forced
to the source value (the photo) and to the target value (the counterfactual):

- `engine`: where and how much the counterfactual differs from the photo: mean absolute
  difference (0..1 scale), the changed pixels (as `losses.edit_delta` counts them), the share
  of the difference per region, how much of it survives a 4 px low-pass (a colour change) and
  how much is finer texture;
- `loss`: the training terms of this edit on the model's photo codes (`losses.reconstruction`
  is the edit L1, `losses.edit_delta`), for an edit that does nothing, the model's slider
  edit and a perfect one, beside the model's own reconstruction error; with `--discriminator`
  (a run's final DualBranchDiscriminator) also what its attribute head says, the term
  `edit_class` trains against;
- `reach`: per-face offsets of the photo code, optimised with Adam to make the model's render
  match the counterfactual (the edit L1), in the slots the attribute's direction may move
  (ATTRIBUTE_REGIONS), in every slot, and one offset shared by all faces in the allowed slots
  (the most a fixed direction can do through this generator), then per face again with the
  L1 of the change's detail (what a 2 px blur removes) weighted 10x, and one offset for all
  faces no longer than the slider's own move (a direction of the slider's length); reported as
  the L1 inside the changed pixels and the share of faces the evaluator's classifier reads as
  edited.

    OMP_NUM_THREADS=1 python benchmarks/edit_reach.py weights_card/s2fgan-synth-128
    python benchmarks/edit_reach.py weights_card/s2fgan-synth-128 --attribute Male \\
        --discriminator /tmp/final/discriminator --n 32 --n-reach 8 --steps 100

v2's final discriminator is in the history:
`git show f99c7c2:carried_runs/v2-128-final.tar | tar -x -C /tmp final/discriminator`.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import torch
import torch.nn.functional as F

from s2fgan.constants import ATTRIBUTE_INDEX, ATTRIBUTE_REGIONS, HELDOUT_SEEDS, REGIONS
from s2fgan.data import SyntheticPortraits
from s2fgan.evaluation.commands import load_evaluators
from s2fgan.models.attribute_mapper import TRAINED_STRENGTH
from s2fgan.pipelines.loading import load_pipeline
from s2fgan.training import losses

# what losses.edit_delta counts as a changed pixel ([-1, 1] scale, largest channel)
CHANGED = 0.1


def engine_figures(photo, target, mask_photo, mask_target) -> dict:
    """Where the counterfactual differs from the photo. Images in [-1, 1]."""
    diff = (target - photo) / 2  # [N, 3, H, W] on the 0..1 scale
    size = diff.abs().mean(1)  # [N, H, W]
    changed = (target - photo).abs().amax(1) > CHANGED
    low = F.interpolate(F.avg_pool2d(diff, 4), scale_factor=4, mode="bilinear")
    by_region = {}
    for r, name in enumerate(REGIONS):
        share = (size * (mask_target == r)).sum() / size.sum()
        if share > 0.005:
            by_region[name] = round(share.item(), 3)
    inside = changed.unsqueeze(1).float()
    return {
        "mean_abs_diff": size.mean().item(),
        "changed_share": changed.float().mean().item(),
        "mean_abs_diff_on_changed": (size * changed).sum().item() / changed.sum().item(),
        "signed_diff_on_changed_rgb": ((diff * inside).sum((0, 2, 3)) / inside.sum()).tolist(),
        "share_by_target_region": by_region,
        "mask_changed_share": (mask_photo != mask_target).float().mean().item(),
        "l1_share_below_4px": (low.abs().mean() / diff.abs().mean()).item(),
    }


def blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """Gaussian blur of [N, C, H, W] with standard deviation `sigma` pixels."""
    r = int(3 * sigma)
    t = torch.arange(-r, r + 1, dtype=x.dtype)
    g = torch.exp(-(t**2) / (2 * sigma**2))
    g = (g / g.sum()).repeat(x.shape[1], 1, 1, 1)  # [C, 1, 1, K]
    x = F.conv2d(F.pad(x, (r, r, 0, 0), mode="replicate"), g, groups=x.shape[1])
    return F.conv2d(F.pad(x, (0, 0, r, r), mode="replicate"), g.transpose(2, 3), groups=x.shape[1])


def changed_l1(image, target, changed) -> float:
    """Mean absolute difference (0..1 scale) inside the changed pixels."""
    size = (image - target).abs().mean(1) / 2
    return ((size * changed).sum() / changed.sum()).item()


@torch.no_grad()
def loss_figures(pipe, name, a, b, classify, head) -> dict:
    """The edit's training terms on the model's photo codes, per kind of edit; a and b are
    the engine's portraits with the source and the target value."""
    j = ATTRIBUTE_INDEX[name]
    sign = -1.0 if name in ("No_Beard", "Male") else 1.0
    photo, target = a.image, b.image
    ws = pipe.encode_photo(photo)
    out_r = pipe.generator(ws)
    out_e = pipe.generator(pipe.attribute_mapper.edit(ws, {name: sign * TRAINED_STRENGTH}))
    recon, edited = out_r.image, out_e.image
    changed = (target - photo).abs().amax(1) > CHANGED
    out = {
        "signal: edit L1 of the photo to its counterfactual": losses.reconstruction(photo, target),
        "model's reconstruction L1 (photo code)": losses.reconstruction(recon, photo),
        "model's reconstruction L1 inside the changed pixels (0..1)": changed_l1(
            recon, photo, changed
        ),
    }
    # "perfect": the model's reconstruction plus exactly the engine's change
    kinds = {"no-op": recon, "slider": edited, "perfect": recon + target - photo}
    for kind, image in kinds.items():
        out[f"edit L1, {kind} edit"] = losses.reconstruction(image, target)
        out[f"edit_delta, {kind} edit"] = losses.edit_delta(image, recon, target, photo)
        out[f"L1 inside the changed pixels, {kind} edit (0..1)"] = changed_l1(
            image, target, changed
        )
        out[f"evaluator reads the edit, {kind}"] = edit_success(classify(image), j, sign)
    out["evaluator reads the edit on the counterfactual itself"] = edit_success(
        classify(target), j, sign
    )
    out["evaluator reads the edit on the photo"] = edit_success(classify(photo), j, sign)
    # which part of the change the evaluator reads: its smooth part, its detail, or a flat
    # colour with the change's hard outline
    change = target - photo
    for sigma in (1, 2):
        low = blur(change, sigma)
        out[f"L1 share of the change below a {sigma} px blur"] = (
            low.abs().mean() / change.abs().mean()
        )
        out[f"evaluator reads photo + change blurred {sigma} px"] = edit_success(
            classify(photo + low), j, sign
        )
        out[f"evaluator reads photo + change minus its {sigma} px blur"] = edit_success(
            classify(photo + change - low), j, sign
        )
        out[f"evaluator reads reconstruction + change blurred {sigma} px"] = edit_success(
            classify(recon + low), j, sign
        )
    inside = changed.unsqueeze(1).float()
    flat = inside * (change * inside).sum((2, 3), keepdim=True) / inside.sum((2, 3), keepdim=True)
    out["evaluator reads reconstruction + the change's mean colour, hard-edged"] = edit_success(
        classify(recon + flat), j, sign
    )
    out["evaluator reads reconstruction + the same, blurred 2 px"] = edit_success(
        classify(recon + blur(flat, 2)), j, sign
    )
    if head is not None:
        # the discriminator reads a generated face with its soft masks, a photo with one-hot
        # masks, as in training
        num_regions = out_r.segmentation.shape[1]
        seg_r, seg_e = out_r.segmentation.softmax(1), out_e.segmentation.softmax(1)
        inputs = {
            "no-op": (recon, seg_r),
            "slider": (edited, seg_e),
            "perfect": (kinds["perfect"], seg_r),
            "counterfactual": (target, F.one_hot(b.mask, num_regions).permute(0, 3, 1, 2).float()),
            "photo": (photo, F.one_hot(a.mask, num_regions).permute(0, 3, 1, 2).float()),
        }
        for kind, (image, seg) in inputs.items():
            logits = head.classify(image, seg)[1]
            out[f"discriminator's head reads the edit, {kind}"] = edit_success(logits, j, sign)
    return {k: float(v) for k, v in out.items()}


def edit_success(logits: torch.Tensor, j: int, sign: float) -> float:
    """Share of faces whose logit for attribute j has the edit's target sign."""
    return ((logits[:, j] * sign) > 0).float().mean().item()


def reach(
    pipe, name, photo, target, slots, shared, steps, lr, classify, detail=0.0, max_norm=None
) -> tuple[dict, torch.Tensor]:
    """Optimise offsets of the photo codes in `slots` (one per face, or one for all) so
    that the render matches the counterfactual (the edit L1, plus `detail` times the L1 of
    what a 2 px blur removes; with `max_norm`, each offset kept within that length); the
    figures after it, and the renders."""
    j = ATTRIBUTE_INDEX[name]
    sign = -1.0 if name in ("No_Beard", "Male") else 1.0
    generator = pipe.generator.requires_grad_(False)
    ws = pipe.encode_photo(photo)
    keep = torch.zeros(1, ws.shape[1], 1)
    keep[:, slots] = 1
    offset = torch.zeros(1 if shared else len(ws), *ws.shape[1:], requires_grad=True)
    opt = torch.optim.Adam([offset], lr=lr)
    changed = (target - photo).abs().amax(1) > CHANGED
    for _ in range(steps):
        image = generator(ws + offset * keep).image
        loss = losses.reconstruction(image, target)
        if detail > 0:
            loss = loss + detail * (image - blur(image, 2) - target + blur(target, 2)).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if max_norm is not None:
            with torch.no_grad():
                norm = (offset * keep).flatten(1).norm(dim=1).clamp_min(1e-12)
                offset.mul_((max_norm / norm).clamp(max=1.0).view(-1, 1, 1))
    with torch.no_grad():
        image = generator(ws + offset * keep).image
        figures = {
            "edit L1": losses.reconstruction(image, target).item(),
            "L1 inside the changed pixels (0..1)": changed_l1(image, target, changed),
            "L1 outside the changed pixels (0..1)": changed_l1(image, target, ~changed),
            "evaluator reads the edit": edit_success(classify(image), j, sign),
            "offset norm per face": (offset * keep).flatten(1).norm(dim=1).mean().item(),
        }
    return figures, image


@torch.no_grad()
def slider_length(pipe, name, photo, goal: int) -> float:
    """The mean length of the slider's move of the photos' codes to the trained strength."""
    ws = pipe.encode_photo(photo)
    edited = pipe.attribute_mapper.edit(ws, {name: goal * TRAINED_STRENGTH})
    return (edited - ws).flatten(1).norm(dim=1).mean().item()


def save_grid(path: str, columns: list[torch.Tensor]) -> None:
    """Columns of faces [N, 3, H, W] in [-1, 1] side by side, one row per face."""
    from s2fgan.data.image_io import tensor_to_pil

    grid = torch.cat([torch.cat(list(c.clamp(-1, 1)), 1) for c in columns], 2)
    tensor_to_pil(grid).save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pipeline")
    parser.add_argument("--attribute", default="No_Beard", choices=["No_Beard", "Male"])
    parser.add_argument("--n", type=int, default=32, help="held-out portraits")
    parser.add_argument("--n-reach", type=int, default=8, help="of them, in the reach tests")
    parser.add_argument("--steps", type=int, default=100, help="Adam steps of each reach test")
    parser.add_argument("--lr", type=float, default=0.03)
    parser.add_argument("--discriminator", help="a run's final discriminator folder")
    parser.add_argument("--skip-reach", action="store_true")
    parser.add_argument("--tests", help="run only these reach tests (indices, e.g. 2,5)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--grid",
        help="save a picture of the reach faces: photo | counterfactual | model's reconstruction"
        " | slider edit | then the reach tests' renders in the order printed",
    )
    args = parser.parse_args()
    start, load = time.process_time(), [os.getloadavg()]
    torch.manual_seed(0)
    name = args.attribute
    # the edit goes from the attribute's source value to the one the failing slider asks for
    source, goal = (1, -1) if name in ("No_Beard", "Male") else (-1, 1)
    engine = SyntheticPortraits(128)
    seeds = list(HELDOUT_SEEDS)[: args.n]
    a, b = engine.render(seeds, {name: source}), engine.render(seeds, {name: goal})
    pipe = load_pipeline(args.pipeline, device="cpu")
    classifier, _ = load_evaluators(None)

    def classify(image):
        with torch.no_grad():
            return classifier(image.clamp(-1, 1))

    head = None
    if args.discriminator:
        from s2fgan.models.discriminators import DualBranchDiscriminator

        head = DualBranchDiscriminator.from_pretrained(args.discriminator).eval()
    out = {"attribute": name, "edit": f"{source:+d} -> {goal:+d}", "n": args.n}
    out["engine"] = engine_figures(a.image, b.image, a.mask, b.mask)
    out["loss"] = loss_figures(pipe, name, a, b, classify, head)
    layout = pipe.generator.layout
    allowed = layout.slots(list(ATTRIBUTE_REGIONS[name]))
    every = list(range(layout.num_ws))
    out["allowed_slots"] = [f"{REGIONS[(s - 1) % layout.num_regions]}" for s in allowed]
    if not args.skip_reach:
        tests = {
            "per face, allowed slots": (allowed, False),
            "per face, every slot": (every, False),
            "one offset for all faces, allowed slots": (allowed, True),
            "per face, every slot, detail L1 x10": (every, False, 10.0),
            "per face, allowed slots, detail L1 x10": (allowed, False, 10.0),
            # as long as the slider's own move (its target strength minus the photos' mean)
            "one offset for all faces, allowed slots, the slider's length": (
                allowed,
                True,
                0.0,
                slider_length(pipe, name, a.image[: args.n_reach], goal),
            ),
        }
        if args.tests:
            keep = [int(i) for i in args.tests.split(",")]
            tests = {k: v for i, (k, v) in enumerate(tests.items()) if i in keep}
        k = args.n_reach
        photo, target = a.image[:k], b.image[:k]
        out["reach"], columns = {}, [photo, target]
        with torch.no_grad():
            ws = pipe.encode_photo(photo)
            columns.append(pipe.generator(ws).image)
            edit = {name: -TRAINED_STRENGTH if goal < 0 else TRAINED_STRENGTH}
            columns.append(pipe.generator(pipe.attribute_mapper.edit(ws, edit)).image)
        for test, (slots, shared, *detail) in tests.items():
            figures, image = reach(
                pipe, name, photo, target, slots, shared, args.steps, args.lr, classify, *detail
            )
            out["reach"][test] = figures
            columns.append(image)
        if args.grid:
            save_grid(args.grid, columns)
    load.append(os.getloadavg())
    out["cpu_seconds"], out["loadavg"] = time.process_time() - start, load
    print(json.dumps(out, indent=1))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
