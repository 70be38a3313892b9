"""Example sketches a user can click: drawn by the data engine from seeds no training run uses.

The PNGs are committed beside this file (s2fgan/app/examples/); regenerate them with
`python -m s2fgan.app.examples`.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).with_name("examples")
# Seeds above the TRAIN range (0..1e9) and the eval split, so no network has seen them.
SEEDS = (2_000_000_000, 2_000_000_003, 2_000_000_007, 2_000_000_012, 2_000_000_021, 2_000_000_030)
SIZE = 256


def example_paths() -> list[str]:
    """The committed example sketch files, in order."""
    return [str(p) for p in sorted(FOLDER.glob("sketch_*.png"))]


def write_examples(folder: Path = FOLDER) -> list[Path]:
    """Render the example sketches (and a photo, for the photo tab) into `folder`."""
    from PIL import Image

    from s2fgan.data import SyntheticPortraits

    engine = SyntheticPortraits(SIZE, sketch_style="drawn", compile=False)
    batch = engine.render(list(SEEDS))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, seed in enumerate(SEEDS):
        pixels = (batch.sketch[i, 0] * 255).round().byte().numpy()
        path = folder / f"sketch_{i}_{seed}.png"
        Image.fromarray(pixels).save(path, optimize=True)
        paths.append(path)
    photo = ((batch.image[0].permute(1, 2, 0) + 1) * 127.5).round().clamp(0, 255).byte().numpy()
    path = folder / f"photo_{SEEDS[0]}.png"
    Image.fromarray(photo).save(path, optimize=True)
    return [*paths, path]


if __name__ == "__main__":
    for p in write_examples():
        print(p)
