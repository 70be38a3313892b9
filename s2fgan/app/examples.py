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
    from s2fgan.data import SyntheticPortraits
    from s2fgan.data.image_io import sketch_to_pil, tensor_to_pil

    engine = SyntheticPortraits(SIZE, sketch_style="drawn", compile=False)
    batch = engine.render(list(SEEDS))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, seed in enumerate(SEEDS):
        path = folder / f"sketch_{i}_{seed}.png"
        sketch_to_pil(batch.sketch[i]).save(path, optimize=True)
        paths.append(path)
    path = folder / f"photo_{SEEDS[0]}.png"
    tensor_to_pil(batch.image[0]).save(path, optimize=True)
    return [*paths, path]


if __name__ == "__main__":
    for p in write_examples():
        print(p)
