"""A run's final networks to and from small files, for carrying them off a machine whose
outputs are limited in size (an accelerator host: 16 MiB a file).

`pack RUN OUT` writes OUT/NAME-encoders.tar (the two encoders) and OUT/NAME-rest.tar (the
other networks, the run's config.json, metrics.jsonl and last sample grid), every float32
weight stored as float16. `unpack TAR... DEST` extracts them under DEST and turns the weights
back into float32, so that the folders load like any run's OUT/final.

    python benchmarks/pack_run.py pack runs/v2 /tmp/out
    python benchmarks/pack_run.py unpack /tmp/out/v2-*.tar runs/
"""

from __future__ import annotations

import argparse
import io
import tarfile
from pathlib import Path

import torch
from safetensors.torch import load_file, save, save_file

ENCODERS = ("sketch_encoder", "image_encoder")


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def pack(run: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    final = run / "final"
    parts = {"encoders": [], "rest": []}
    for folder in sorted(p for p in final.iterdir() if p.is_dir()):
        parts["encoders" if folder.name in ENCODERS else "rest"].append(folder)
    for part, folders in parts.items():
        with tarfile.open(out / f"{run.name}-{part}.tar", "w") as tar:
            for folder in folders:
                for file in sorted(folder.iterdir()):
                    name = f"{run.name}/final/{folder.name}/{file.name}"
                    if file.suffix == ".safetensors":
                        weights = load_file(file)
                        half = {
                            k: v.half() if v.dtype == torch.float32 else v
                            for k, v in weights.items()
                        }
                        _add(tar, name, save(half))
                    else:
                        tar.add(file, name)
            if part == "rest":
                for extra in ("config.json", "metrics.jsonl", "train.log"):
                    if (run / extra).exists():
                        tar.add(run / extra, f"{run.name}/{extra}")
                samples = sorted((run / "samples").glob("*.png"))
                if samples:
                    tar.add(samples[-1], f"{run.name}/samples/{samples[-1].name}")
        size = (out / f"{run.name}-{part}.tar").stat().st_size
        print(f"{out / f'{run.name}-{part}.tar'}: {size / 2**20:.1f} MiB")


def unpack(tars: list[Path], dest: Path) -> None:
    for path in tars:
        with tarfile.open(path) as tar:
            tar.extractall(dest, filter="data")
            names = [m.name for m in tar.getmembers() if m.name.endswith(".safetensors")]
        for name in names:
            file = dest / name
            weights = load_file(file)
            save_file(
                {k: v.float() if v.is_floating_point() else v for k, v in weights.items()}, file
            )
        print(f"{path} -> {dest}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pack")
    p.add_argument("run", type=Path)
    p.add_argument("out", type=Path)
    u = sub.add_parser("unpack")
    u.add_argument("paths", type=Path, nargs="+", help="tar files, then the destination")
    args = parser.parse_args()
    if args.command == "pack":
        pack(args.run, args.out)
    else:
        unpack(args.paths[:-1], args.paths[-1])


if __name__ == "__main__":
    main()
