"""Pictures of an evaluation: attribute bars and a grid of examples."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from s2fgan.constants import ATTRIBUTES  # noqa: E402
from s2fgan.data.image_io import sketch_to_pil, tensor_to_pil  # noqa: E402
from s2fgan.data.preview import colorize_mask  # noqa: E402


def attribute_bars(figures: dict, path: Path, success_target=0.90, leak_target=0.10) -> None:
    """Bar chart of attr_success and attr_leak per attribute, with the target lines."""
    fig, axes = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
    x = range(len(ATTRIBUTES))
    success = [figures["attr_success"][a] for a in ATTRIBUTES]
    leak = [figures["attr_leak"][a] for a in ATTRIBUTES]
    axes[0].bar(
        x, success, color=["#2a9d8f" if s >= success_target else "#e76f51" for s in success]
    )
    for key, marker, label in (("on", "^", "+3: found"), ("off", "v", "-3: absent")):
        shares = [figures[f"attr_success_{key}"][a] for a in ATTRIBUTES]
        axes[0].plot(x, shares, marker, color="#264653", ls="none", label=label)
    axes[0].axhline(success_target, color="k", ls="--", lw=1, label=f"target {success_target}")
    axes[0].set_ylim(0, 1)
    axes[0].set_ylabel("attr_success")
    axes[0].set_title(f"slider at +/-3: success (mean {figures['attr_success_mean']:.3f})")
    axes[0].legend(loc="lower right")
    axes[1].bar(x, leak, color=["#2a9d8f" if v <= leak_target else "#e76f51" for v in leak])
    axes[1].axhline(leak_target, color="k", ls="--", lw=1, label=f"target {leak_target}")
    axes[1].set_ylim(0, max(0.25, max(leak) * 1.1))
    axes[1].set_ylabel("attr_leak")
    axes[1].set_title(f"other attributes flipped (mean {figures['attr_leak_mean']:.3f})")
    axes[1].legend(loc="upper right")
    axes[1].set_xticks(list(x), ATTRIBUTES, rotation=35, ha="right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def region_bars(figures: dict, path: Path, target: float = 0.70) -> None:
    """Bar chart of the sketch faces' IoU per region (the terms of sketch_miou), target line."""
    ious = figures["sketch_iou"]
    fig, ax = plt.subplots(figsize=(10, 3.6))
    x = range(len(ious))
    ax.bar(
        x,
        list(ious.values()),
        color=["#2a9d8f" if v >= target else "#e76f51" for v in ious.values()],
    )
    ax.axhline(target, color="k", ls="--", lw=1, label=f"target (mean) {target}")
    ax.set_ylim(0, 1)
    ax.set_ylabel("IoU")
    ax.set_title(f"sketch -> face: IoU per region (sketch_miou {figures['sketch_miou']:.3f})")
    ax.legend(loc="upper right")
    ax.set_xticks(list(x), list(ious), rotation=35, ha="right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _tile(image: torch.Tensor) -> Image.Image:
    """[3, H, W] in [-1, 1], [1, H, W] sketch in [0, 1] or [H, W] region ids -> RGB PIL."""
    if image.dim() == 2:
        return Image.fromarray(colorize_mask(image[None])[0])
    if image.shape[0] == 1:
        return sketch_to_pil(image).convert("RGB")
    return tensor_to_pil(image)


def example_grid(examples: dict, path: Path, edit_names=("Smiling", "Eyeglasses", "Young")) -> None:
    """Rows = faces; columns = sketch, face, segmentation, the face in style i (models with
    styles), edits at +3/-3, region swaps."""
    columns = [("sketch", examples["sketch"]), ("face", examples["face"])]
    columns.append(("segmentation", examples["segmentation"]))
    if examples.get("styled") is not None:
        columns.append(("style i", examples["styled"]))
    for name in edit_names:
        for sign in (1, -1):
            if (name, sign) in examples["edits"]:
                columns.append(
                    (f"{name} {'+' if sign > 0 else '-'}3", examples["edits"][(name, sign)])
                )
    for region, images in examples["swaps"].items():
        columns.append((f"swap {region}", images))
    # every column holds up to 4 faces; fewer when --num-edit or --num-swap is below 4
    rows = min(len(images) for _, images in columns)
    size = examples["face"].shape[-1]
    label_h = 18
    grid = Image.new("RGB", (size * len(columns), label_h + size * rows), "white")
    draw = ImageDraw.Draw(grid)
    font = ImageFont.load_default()
    for c, (title, images) in enumerate(columns):
        draw.text((c * size + 3, 3), title, fill="black", font=font)
        for r in range(rows):
            grid.paste(_tile(images[r]), (c * size, label_h + r * size))
    grid.save(path)


def style_grid(examples: dict, figures: dict, path: Path, faces: int = 3) -> None:
    """Rows = drawing styles, each labelled with its sketch_miou; columns = sketch and the
    face made from it, for the first `faces` held-out portraits."""
    styles = list(examples)
    size = examples[styles[0]]["face"].shape[-1]
    faces = min(faces, *(len(e["face"]) for e in examples.values()))
    label_w = 150
    grid = Image.new("RGB", (label_w + 2 * faces * size, size * len(styles)), "white")
    draw = ImageDraw.Draw(grid)
    font = ImageFont.load_default()
    for r, style in enumerate(styles):
        score = figures["sketch_miou_style"][style]
        label = f"{style}\nsketch_miou {score:.3f}"
        draw.text((4, r * size + size // 2 - 12), label, fill="black", font=font)
        for c in range(faces):
            x = label_w + 2 * c * size
            grid.paste(_tile(examples[style]["sketch"][c]), (x, r * size))
            grid.paste(_tile(examples[style]["face"][c]), (x + size, r * size))
    grid.save(path)
