"""A training run's resumable state to and from one file that git can carry, for runs longer
than a session on machines that are not always handed on with their `runs/` folder.

`save RUN DEST` writes DEST/NAME.tar: RUN/checkpoint (every network, the discriminators, the
optimiser and scheduler states, the random states, the step and run-minutes), RUN/config.json,
RUN/metrics.jsonl and the last sample grid. To halve what git carries, network weights are
stored as float16 (where they fit its range) and the optimiser's moments as bfloat16 (whose
range holds Adam's tiny second moments); step counters and everything else stay exact.
`restore TAR RUNS` unpacks it to RUNS/NAME with every such tensor back in float32, where
`s2fgan train --config ...` with that `out_dir` resumes it.

    python benchmarks/carry_run.py save runs/v2-128 carried_runs
    python benchmarks/carry_run.py restore carried_runs/v2-128.tar runs
"""

from __future__ import annotations

import argparse
import io
import json
import tarfile
from pathlib import Path

import torch
from safetensors.torch import load
from safetensors.torch import save as save_safetensors

FP16_MAX = 60000.0


def _half_weights(data: bytes) -> bytes:
    weights = load(data)
    small = {}
    for key, value in weights.items():
        fits = value.dtype == torch.float32 and value.abs().max().item() < FP16_MAX
        small[key] = value.half() if fits else value
    return save_safetensors(small)


def _full_weights(data: bytes) -> bytes:
    weights = load(data)
    return save_safetensors(
        {k: v.float() if v.dtype == torch.float16 else v for k, v in weights.items()}
    )


def _map_optimizer(data: bytes, dtype: torch.dtype) -> bytes:
    state = torch.load(io.BytesIO(data), weights_only=True)
    for slots in state["state"].values():
        for key, value in slots.items():
            # Step counters are scalars and must stay exact; only the moment tensors shrink.
            if torch.is_tensor(value) and value.is_floating_point() and value.dim() > 0:
                slots[key] = value.to(dtype)
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def save(run: Path, dest: Path) -> Path:
    checkpoint = run / "checkpoint"
    if not (checkpoint / "step.json").exists():
        raise SystemExit(f"{run} has no checkpoint to carry")
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / f"{run.name}.tar"
    partial = target.with_suffix(".tar.partial")
    with tarfile.open(partial, "w") as tar:
        for file in sorted(checkpoint.iterdir()):
            name, data = f"{run.name}/checkpoint/{file.name}", file.read_bytes()
            if file.suffix == ".safetensors":
                data = _half_weights(data)
            elif file.name.startswith("optimizer"):
                data = _map_optimizer(data, torch.bfloat16)
            _add(tar, name, data)
        if (run / "config.json").exists():
            tar.add(run / "config.json", f"{run.name}/config.json")
        if (run / "metrics.jsonl").exists():
            # Only the lines up to the checkpoint: the resumed run writes the later ones again.
            step = json.loads((checkpoint / "step.json").read_text())["step"]
            lines = (run / "metrics.jsonl").read_text().splitlines(keepends=True)
            kept = [line for line in lines if json.loads(line)["step"] <= step]
            _add(tar, f"{run.name}/metrics.jsonl", "".join(kept).encode())
        samples = sorted((run / "samples").glob("*.png"))
        if samples:
            tar.add(samples[-1], f"{run.name}/samples/{samples[-1].name}")
    # Written aside and renamed, so that an interrupted save never leaves half a run behind.
    partial.replace(target)
    print(f"{target}: {target.stat().st_size / 2**20:.1f} MiB")
    return target


def restore(archive: Path, runs: Path) -> Path:
    with tarfile.open(archive) as tar:
        names = {member.name.split("/")[0] for member in tar.getmembers()}
        if len(names) != 1:
            raise SystemExit(f"{archive} holds {sorted(names)}, not one run")
        (name,) = names
        if (runs / name / "checkpoint").exists():
            raise SystemExit(f"{runs / name}/checkpoint exists: move it away first")
        tar.extractall(runs, filter="data")
    for file in sorted((runs / name / "checkpoint").iterdir()):
        if file.suffix == ".safetensors":
            file.write_bytes(_full_weights(file.read_bytes()))
        elif file.name.startswith("optimizer"):
            file.write_bytes(_map_optimizer(file.read_bytes(), torch.float32))
    progress = runs / name / "checkpoint" / "step.json"
    if progress.exists():
        print(f"{runs / name}: {json.loads(progress.read_text())}")
    return runs / name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    save_parser = commands.add_parser("save", help="RUN -> DEST/NAME.tar")
    save_parser.add_argument("run", type=Path)
    save_parser.add_argument("dest", type=Path)
    restore_parser = commands.add_parser("restore", help="TAR -> RUNS/NAME")
    restore_parser.add_argument("archive", type=Path)
    restore_parser.add_argument("runs", type=Path)
    args = parser.parse_args()
    if args.command == "save":
        save(args.run, args.dest)
    else:
        restore(args.archive, args.runs)


if __name__ == "__main__":
    main()
