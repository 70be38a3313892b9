"""One process of the multi-process training test (started by torchrun, see
test_multiprocess.py): trains from a TrainConfig JSON, then compares every prepared network's
live parameters and buffers across the ranks and writes what it found.

    ACCELERATE_USE_CPU=1 torchrun --nproc_per_node 2 ... ddp_worker.py CONFIG.json REPORT.json

The comparison has to see the live networks, not a checkpoint (only rank 0 saves one), so the
worker records what `Accelerator.prepare` returns; and it records a digest of each photo batch
the image encoder reads, so the test can tell whether the ranks trained on other portraits.
"""

from __future__ import annotations

import hashlib
import json
import sys

import accelerate
import torch
import torch.distributed as dist

from s2fgan.models.encoders import ImageEncoder
from s2fgan.training.config import TrainConfig
from s2fgan.training.loop import train

prepared: list[torch.nn.Module] = []
photo_digests: list[str] = []

_prepare = accelerate.Accelerator.prepare


def _recording_prepare(self, *objects, **kwargs):
    result = _prepare(self, *objects, **kwargs)
    items = result if isinstance(result, tuple) else (result,)
    prepared.extend(x for x in items if isinstance(x, torch.nn.Module))
    return result


_encode = ImageEncoder.forward


def _recording_encode(self, x):
    photo_digests.append(hashlib.sha1(x.detach().cpu().numpy().tobytes()).hexdigest()[:12])
    return _encode(self, x)


def _gather(value):
    out = [None] * dist.get_world_size()
    dist.all_gather_object(out, value)
    return out


def main() -> None:
    config_path, report_path = sys.argv[1], sys.argv[2]
    accelerate.Accelerator.prepare = _recording_prepare
    ImageEncoder.forward = _recording_encode
    train(TrainConfig(**json.loads(open(config_path).read())), progress=False)
    distributed = dist.is_available() and dist.is_initialized()
    diffs: dict[str, float] = {}
    names: list[str] = []
    parameters = 0
    for module in prepared:
        raw = getattr(module, "module", module)  # DDP keeps the network as .module
        parameters += sum(p.numel() for p in raw.parameters())
        for name, tensor in [*raw.named_parameters(), *raw.named_buffers()]:
            key = f"{type(raw).__name__}.{name}"
            names.append(key)
            if not distributed:
                continue
            local = tensor.detach().float().contiguous()
            copies = [torch.empty_like(local) for _ in range(dist.get_world_size())]
            dist.all_gather(copies, local)
            diffs[key] = max((c - copies[0]).abs().max().item() for c in copies)
    digests = _gather(photo_digests) if distributed else [photo_digests]
    rank = dist.get_rank() if distributed else 0
    if rank == 0:
        report = {
            "world_size": dist.get_world_size() if distributed else 1,
            "tensors": names,
            "parameters": parameters,
            "max_diff": diffs,
            "photo_digests": digests,
        }
        with open(report_path, "w") as f:
            json.dump(report, f)
    if distributed:
        dist.barrier()
        # a process that leaves with its gloo group alive can abort in the group's destructor
        # ("terminate called without an active exception") and fail the launch
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
