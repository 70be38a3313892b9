"""TrainConfig: every knob of `s2fgan train`, with a comment per field."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TrainConfig:
    # data
    data: str = "synthetic"  # "synthetic" (SyntheticPortraits) or a CelebAMask-HQ root folder
    resolution: int = 128  # image size; the generator's grid * 2**(len(render_widths)-1)
    sketch_style: str = "mixed"  # synthetic sketches: drawn strokes, ~30% XDoG of the photo
    batch_size: int = 8
    # schedule
    steps: int = 12_000
    lr: float = 1e-3
    lr_d: float = 1e-3
    clip_grad: float = 5.0  # gradient norm clipping of both sides (a run at 2e-3 blew up)
    max_minutes: float = 0.0  # > 0: stop (checkpoint and export) after this wall time
    # fine-tuning: a saved SketchToFacePipeline folder (or a run's OUT/final, which also holds
    # the image discriminator) whose networks start the run; init_step is the step those
    # weights were trained to, so step numbers and training seeds continue after it. With a
    # fresh discriminator it costs quality: 34.5-min fine-tunes of the default weights (no
    # saved discriminator) all scored below them (fd 859 -> 1216-1302, attr_success mean
    # 0.842 -> 0.73-0.80; issue 4, stop 16): the attribute head needs ~2000 steps to learn.
    init_from: str = ""
    init_step: int = 0
    # the first d_warmup_steps steps of a run train the discriminators only, so that fresh
    # ones (init_from) learn real faces and attributes before the generator hears from them
    # (after 150 such steps the attribute head's loss was 0.59, ~730 steps later 0.47-0.54;
    # late in a full run it is 0.15)
    d_warmup_steps: int = 0
    # the learning rates of both sides stay constant, then over the last lr_decay_tail of
    # the run (by steps, or by --max-minutes when that ends it sooner) fall linearly to
    # lr_final times their value (0: constant, as the weights before stop 22 were). A
    # 140-min run from scratch with 0.4 / 0.05 (step 2829) moved sketch_miou 0.532 -> 0.592,
    # fd 859 -> 618 and Narrow_Eyes 0.52 -> 0.71, but attr_success mean 0.842 -> 0.735
    # (Mustache 0.38, No_Beard 0.47; issue 4, stop 17): not shipped. The default weights are
    # 0.2 / 0.2 (lr_final_d 1, lr_final_attr 1) with random_fakes_every 4 (figures there).
    # The 140-min run without it, branched at its tail and resumed to 195 min (step 6089,
    # over the 2.5-h budget), reached sketch_miou 0.647, fd 525, attr_success mean 0.919
    # (issue 4, stop 25)
    lr_decay_tail: float = 0.0
    lr_final: float = 0.05
    # where the discriminators' rate ends (1: theirs stays constant while the generator
    # side's falls, so that the attribute head keeps up with the edits it judges). The same
    # run with 1 (138 min, step 3005): sketch_miou 0.606, fd 638, attr_success mean 0.738
    # (min 0.496): the sliders did not come back (issue 4, stop 18)
    lr_final_d: float = 0.05
    # where the attribute mapper's rate ends (< 0: where the rest of the generator side's
    # does, lr_final; 1: constant, so that the 12 directions keep up with the generator
    # while it settles)
    lr_final_attr: float = -1.0
    betas: tuple[float, float] = (0.0, 0.99)
    ema_decay: float = 0.998
    r1_every: int = 4  # lazy R1 regularisation
    # loss weights
    w_reconstruction: float = 1.0
    w_mask: float = 0.5
    w_coarse_mask: float = 0.25
    # soft Dice of the photo and sketch faces' masks: every region counts alike, as in mIoU
    # (cross-entropy alone leaves eyes, brows and mouth at 0.36-0.46 IoU). Off: a 118-min run
    # with 0.5 scored lower on every headline figure (sketch_miou 0.514 vs 0.532,
    # attr_success mean 0.592 vs 0.842; see the issue 4 note of stop 14).
    w_mask_dice: float = 0.0
    # region-balanced mask cross-entropy: each region weighs share ** -mask_balance (mean
    # pixel weight 1, capped at mask_balance_max), shares measured on 256 training portraits.
    # Off (0): a 135-min run with 0.5 (and the edit_weights below) raised sketch_miou 0.532 ->
    # 0.590 (hat 0.05 -> 0.62) but lowered attr_success mean 0.842 -> 0.685 (issue 4, stop 15);
    # alone, in two fine-tunes of the same length, 0.5 gave sketch_miou 0.569 vs 0.525 and
    # attr_success mean 0.728 vs 0.785 (Smiling 0.68 vs 0.90; stop 16).
    mask_balance: float = 0.0
    mask_balance_max: float = 10.0
    w_semantic: float = 1.0  # S2FGAN semantic-level sketch loss
    w_attribute: float = 0.2  # projections of photo codes predict the attributes
    w_edit: float = 1.0  # a slider edit must give the engine's counterfactual render
    # the edit's change must match the counterfactual's change on the changed pixels
    w_edit_delta: float = 1.0
    edit_strength: float = 3.0
    # S2FGAN's attribute classification: the discriminator's attribute head, trained on real
    # photos (w_d_class), must find the slider's attribute on the edited face (w_edit_class).
    # The L1 to a counterfactual is met by a blur; a classifier looks for the smile itself.
    w_edit_class: float = 0.2
    # the factor on the three edit weights above at the run's end: it rises in a straight
    # line from 1 over the learning rate's tail (lr_decay_tail), so the sliders gain weight
    # while the rate falls. 1: off: a 138-min run from scratch with 3 (the tail of stop 18's
    # run, step 2810) scored attr_success mean 0.722 vs 0.738 without it, sketch_miou 0.585,
    # fd 879; the edit losses of its last 200 steps hardly moved (edit 0.237 vs 0.254,
    # edit_delta 0.309 vs 0.313; issue 4, stop 19).
    edit_boost: float = 1.0
    # relative weights of the attributes a training edit flips ({"Narrow_Eyes": 3.0}; an
    # attribute left out weighs 1). Empty: uniform. The 135-min run above with Narrow_Eyes and
    # Big_Lips 3, Mustache, No_Beard, Chubby and Big_Nose 1.5 moved Big_Lips 0.61 -> 0.75,
    # Narrow_Eyes not at all (0.52 -> 0.51).
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
    # edited faces meet the discriminator too. Off: the default weights were trained without
    # it, and a 112-min run with it scored lower (attr_success mean 0.562 vs 0.646 at a
    # similar step, sketch_miou 0.526 vs 0.550; see the issue 4 note of stop 12).
    adversarial_edits: bool = False
    # random faces (MappingNetwork codes) meet the discriminator every this many steps (0:
    # never). The sketch faces meet it every step; the pipeline draws colours and donors
    # from its style bank, not from the mapping network, so its random faces matter less
    # than a step's time (they are a fourth generator pass): with 4, a step of this config
    # took 1.88 s against 2.16 s, alternating in one process
    # (benchmarks/step_cost.py --random-fakes-every 4; issue 4, stop 25). The default
    # weights use 4: 4983 steps in 146 min against 4264 in 140 with 1; sketch_miou 0.646 ->
    # 0.645, attr_success mean 0.844 -> 0.868, fd 554 -> 479, but recon_miou 0.619 -> 0.571,
    # fd_styled 470 -> 664.
    random_fakes_every: int = 1
    w_domain: float = 0.02  # latent domain loss through gradient reversal
    r1_gamma: float = 1.0
    # bookkeeping
    out_dir: str = "runs/synth128"
    seed: int = 0
    log_every: int = 50
    sample_every: int = 500
    checkpoint_every: int = 250
    # "bf16": the forward passes under bf16 autocast through Accelerate, on CPU as on GPU
    # ("fp16": GPU only). On this CPU (it has AMX) a step of this config took 2.11 s against
    # 2.46 s in float32, ratio 0.86 (benchmarks/step_cost.py --mixed-precision bf16; issue 4,
    # stop 26), but bf16 trained worse: a run of the default weights' recipe in bf16 had its
    # mask loss 0.05-0.12 above the float32 run's at equal steps (steps 800-1650), and a
    # second, with the generator's layout kept in float32, saw its codes blow up at step 300
    # (attribute loss 0.9 -> 8.7, semantic 0.3 -> 2.4, not recovered by step 650). Both were
    # stopped; the default weights train in float32.
    mixed_precision: str = "no"
    # CPU: flush denormal floats to zero (process-wide, torch.set_flush_denormal): a step of
    # this config took 2.31 s with the flush and 3.29 s without, ratio 0.70, each in a fresh
    # process (benchmarks/step_cost.py --denormal; issue 4, stop 27). The default weights were
    # trained with the flush (True); the ones before them without it.
    flush_denormal: bool = True
    compile_engine: bool = True  # torch.compile the data engine (a minute once, 2x faster)
    generator: dict = field(default_factory=dict)  # RegionGenerator overrides (tiny tests)
    encoder: dict = field(default_factory=dict)  # Sketch/ImageEncoder overrides
    # False only to resume runs begun before encoders normalised their heads (the default
    # weights: see weights_card/s2fgan-synth-128/README.md).
    image_encoder_head_norm: bool = True
    discriminator: dict = field(default_factory=dict)  # DualBranchDiscriminator overrides
