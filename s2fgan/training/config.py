"""TrainConfig: every knob of `s2fgan train`, with a comment per field.

Recipes are JSON files of these fields under configs/ (`s2fgan train --config FILE`): a
complete recipe, or an overlay that names the recipe it layers on (`"base": "v2-128.json"`,
see `load_recipes`). What each recipe scored, and the runs that chose these values, are in
docs/experiments.md.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class TrainConfig:
    # data
    # "synthetic" (the SyntheticPortraits engine) or a folder in CelebAMask-HQ's published
    # layout (CelebAMaskHQ; no counterfactuals, so w_edit and w_edit_delta do not apply)
    data: str = "synthetic"
    resolution: int = 128  # image size; the generator's grid * 2**(len(render_widths)-1)
    # synthetic sketches: a style name, a named mix ("mixed": drawn strokes with ~30% XDoG of
    # the photo; "all": every training style alike) or, in a config file, {style: weight}
    # (s2fgan.data.sketch_styles); the held-out style is refused
    sketch_style: str | dict = "mixed"
    # synthetic framing: "" draws every head where the engine always does; "LOW,HIGH" scales
    # each head by LOW..HIGH of that and moves it on the page (image, mask and sketch alike)
    framing: str = ""
    batch_size: int = 8  # per process
    workers: int = 2  # DataLoader worker processes of a --data folder
    # synthetic data: processes that paint the coming steps ahead of the loop (0: the loop
    # paints each step itself); worth it where the networks outrun the painter (a GPU)
    render_workers: int = 0
    # with render_workers: train on a random one of the last this many painted steps whenever
    # no new step is ready (0: always wait for the next step, in order)
    render_reuse: int = 0
    # schedule
    steps: int = 12_000
    lr: float = 1e-3
    lr_d: float = 1e-3
    clip_grad: float = 5.0  # gradient norm clipping of both sides (2e-3 without it diverged)
    max_minutes: float = 0.0  # > 0: stop (checkpoint and export) after this wall time
    # > 0: stop this process after this many minutes (checkpoint and export) without
    # changing the schedule, which max_minutes and steps set: one segment of a run that
    # resumes later, in the same OUT, from its checkpoint
    segment_minutes: float = 0.0
    # fine-tuning: a saved SketchToFacePipeline folder (or a run's OUT/final, which also holds
    # the image discriminator) whose networks start the run; init_step is the step those
    # weights were trained to, so step numbers and training seeds continue after it. A fresh
    # discriminator's attribute head needs ~2000 steps to learn the attributes again.
    init_from: str = ""
    init_step: int = 0
    # which networks train: "" all of them; "sketch_encoder" only the sketch encoder (with
    # init_from), through the frozen generator and image encoder: its codes must draw the
    # portrait's mask and photo, stay near the photo's codes and keep the starting encoder's
    # base and texture slots (w_mask, w_reconstruction, w_semantic, w_sketch_anchor). No
    # discriminator runs and no counterfactual is painted. The generator draws layouts that
    # the encoder does not reach (benchmarks/layout_ceiling.py), and a frozen generator keeps
    # faces, edits and swaps as they were.
    train_only: str = ""
    # the first d_warmup_steps steps of a run train the discriminators only, so that fresh
    # ones (init_from) learn real faces and attributes before the generator hears from them
    d_warmup_steps: int = 0
    # the learning rates stay constant, then over the last lr_decay_tail of the run (by steps,
    # or by max_minutes when that ends it sooner) fall linearly to lr_final times their
    # value (0: constant); lr_final_d is where the discriminator's rate ends (1: constant, so
    # that the attribute head keeps up with the edits it judges)
    lr_decay_tail: float = 0.0
    lr_final: float = 0.05
    lr_final_d: float = 0.05
    betas: tuple[float, float] = (0.0, 0.99)
    ema_decay: float = 0.998
    r1_every: int = 4  # lazy R1 regularisation: every this many steps, scaled by it
    # loss weights
    w_reconstruction: float = 1.0
    w_mask: float = 0.5
    w_coarse_mask: float = 0.25
    # soft Dice of the photo and sketch faces' masks: every region counts alike, as in mIoU
    w_mask_dice: float = 0.0
    # region-balanced mask cross-entropy: each region weighs share ** -mask_balance (mean
    # pixel weight 1, capped at mask_balance_max), shares measured on 256 training portraits
    mask_balance: float = 0.0
    mask_balance_max: float = 10.0
    w_semantic: float = 1.0  # S2FGAN semantic-level sketch loss
    # train_only "sketch_encoder": the pull of the base and texture slots towards those of the
    # encoder the run started from
    w_sketch_anchor: float = 10.0
    # the sketch side's reconstruction renders the sketch's shape codes with the photo's
    # texture codes: a sketch does not say what colours a face has, and an L1 asked for them
    # is met by the blurred mean of every colouring the sketch allows
    sketch_texture_from_photo: bool = False
    # with sketch_texture_from_photo: an edit of a sketch code also renders the sketch's shape
    # with the photo's textures, so that its counterfactual (the photo, edited, in the photo's
    # colours) asks the slider for the attribute alone rather than for the photo's colours too
    sketch_edit_texture_from_photo: bool = False
    # pix2pixHD's feature matching: the photo and its reconstructions must give the same
    # features in the image discriminator's branch (a learnt perceptual distance; no
    # pretrained network can be downloaded)
    w_feature_match: float = 0.0
    w_attribute: float = 0.2  # projections of photo codes predict the attributes
    w_edit: float = 1.0  # a slider edit must give the engine's counterfactual render
    # the edit's change must match the counterfactual's change on the changed pixels
    w_edit_delta: float = 1.0
    edit_strength: float = 3.0
    # S2FGAN's attribute classification: the discriminator's attribute head, trained on real
    # photos (w_d_class), must find the slider's attribute on the edited face (w_edit_class).
    # The L1 to a counterfactual is met by a blur; a classifier looks for the smile itself.
    w_edit_class: float = 0.2
    # the latent cycle: the edited face, encoded and edited back, gives the source code
    # (TrainingLoss.cycle_term); what keeps edits undoable where no counterfactual exists
    w_edit_cycle: float = 0.0
    # the factor on the three edit weights above at the run's end: it rises in a straight
    # line from 1 over the learning rate's tail (lr_decay_tail); 1: off
    edit_boost: float = 1.0
    # relative weights of the attributes a training edit flips ({"Narrow_Eyes": 3.0}; an
    # attribute left out weighs 1). Empty: uniform.
    edit_weights: dict = field(default_factory=dict)
    # attributes flipped at once in each portrait's training edit (distinct, drawn by
    # edit_weights): K times the edit signal per step at the cost of one. The evaluation and
    # the app set one slider at a time; the directions are orthonormal, so a K-flip edit
    # asks the generator for the sum of K one-slider changes.
    edit_flips: int = 1
    w_d_class: float = 1.0
    # share of the edits made on sketch codes (what the app and `s2fgan eval` edit) rather
    # than on photo codes
    edit_on_sketch: float = 0.5
    w_adversarial: float = 0.05
    adversarial_edits: bool = False  # edited faces meet the discriminator too
    # random faces (MappingNetwork codes) meet the discriminator every this many steps (0:
    # never); the sketch faces meet it every step. The pipeline draws colours and donors from
    # its style bank, so random faces matter less than the generator pass they cost.
    random_fakes_every: int = 1
    w_domain: float = 0.02  # latent domain loss through gradient reversal
    r1_gamma: float = 1.0
    # bookkeeping
    out_dir: str = "runs/synth128"
    seed: int = 0
    log_every: int = 50
    sample_every: int = 500
    checkpoint_every: int = 250
    # "bf16" or "fp16" (GPU only): the forward passes under autocast through Accelerate.
    # On CPU bf16 is faster where the CPU has AMX but trains the default recipe worse.
    mixed_precision: str = "no"
    # CUDA: convolutional networks in channels_last memory format (tensor-core friendly)
    channels_last: bool = True
    # CPU: flush denormal floats to zero (process-wide, torch.set_flush_denormal); a step
    # costs ~0.7 of one without
    flush_denormal: bool = True
    # the generator renders a step's codes in calls of at most this many faces (0: one call);
    # on a CPU a face costs about half as much in calls of 8 as in one call of 32 (caches)
    generator_chunk: int = 8
    compile_engine: bool = True  # torch.compile the data engine (a minute once, 2x faster)
    generator: dict = field(default_factory=dict)  # RegionGenerator overrides
    encoder: dict = field(default_factory=dict)  # Sketch/ImageEncoder overrides
    discriminator: dict = field(default_factory=dict)  # DualBranchDiscriminator overrides


def load_recipes(paths: Sequence[Path]) -> dict:
    """The TrainConfig fields of `--config` files, layered in order: a later file's fields
    win.

    A file may name the file it layers on, `"base": "v2-128.json"` (relative to its own
    folder), and that base its own. The first file given brings its bases with it, so that a
    layered recipe is one `--config`; a later file layers on the files given before it (so
    configs/gpu.json can follow any recipe). Every base must exist either way.
    """
    values = {}
    for i, path in enumerate(paths):
        chain = _recipe_chain(Path(path))
        for fields in chain if i == 0 else chain[-1:]:
            values.update(fields)
    return values


def _recipe_chain(path: Path) -> list[dict]:
    """The fields of `path` and of its bases, the deepest base first."""
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    chain, seen = [], []
    while True:
        if not path.is_file():
            named = f"{seen[-1]} names as its base {path}" if seen else f"{path}"
            raise ValueError(f"{named}, which does not exist")
        if path.resolve() in {s.resolve() for s in seen}:
            raise ValueError("configs layer on each other: " + " -> ".join(map(str, [*seen, path])))
        seen.append(path)
        fields = json.loads(path.read_text(encoding="utf-8"))
        base = fields.pop("base", None)
        unknown = set(fields) - known
        if unknown:
            raise ValueError(f"unknown TrainConfig fields in {path}: {sorted(unknown)}")
        chain.append(fields)
        if base is None:
            return chain[::-1]
        if not isinstance(base, str) or not base:
            raise ValueError(f"{path}: base must name a config file, got {base!r}")
        path = path.parent / base
