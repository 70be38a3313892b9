#!/usr/bin/env bash
# GPU smoke test: on a CUDA machine, install what is missing (from wheels), check that the
# pipeline runs in fp16 and bf16 on the GPU, train a few steps of both recipes in bf16 (the
# synthetic one and the CelebAMask-HQ one on a small folder written in that layout by the
# engine), with several processes when the machine has several GPUs, and print steps/s.
#
#   bash benchmarks/gpu_smoke.sh                 # on a CUDA machine
#   bash benchmarks/gpu_smoke.sh --device cpu    # dry run of the same steps on the CPU
#                                                # (float32, tiny networks, 2 steps)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DEVICE=cuda
STEPS=30
while [[ $# -gt 0 ]]; do
    case "$1" in
        --device) DEVICE="$2"; shift 2 ;;
        --steps) STEPS="$2"; shift 2 ;;
        *) echo "gpu_smoke.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

# a machine with no package index (an accelerator host) brings torch, accelerate and
# s2fgan on PYTHONPATH: use its python3 as it is
if [[ -z "${VIRTUAL_ENV:-}" ]] && ! python3 -c "import torch, accelerate, s2fgan" 2>/dev/null; then
    [[ -d .venv ]] || python3 -m venv .venv
    # shellcheck disable=SC1091
    source .venv/bin/activate
fi
if [[ "$DEVICE" == cuda ]]; then
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
    # the CUDA build of torch when the one installed cannot see the GPU
    if ! python3 -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
        python3 -m pip install --upgrade torch==2.13.0
    fi
else
    python3 -c "import torch" 2>/dev/null || python3 -m pip install torch==2.13.0
fi
python3 -c "import s2fgan, accelerate" 2>/dev/null || python3 -m pip install -e ".[test]"
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
GPUS=1
if [[ "$DEVICE" == cuda ]]; then
    GPUS=$(python3 -c "import torch; print(torch.cuda.device_count())")
    PRECISION=bf16
    EXTRA='{"render_workers": 4, "render_reuse": 16}'
    SYNTH_STEPS=$STEPS
else
    export ACCELERATE_USE_CPU=1
    PRECISION=no
    STEPS=2
    SYNTH_STEPS=2
    # tiny networks: the dry run checks the script, not the speed
    EXTRA='{"resolution": 64, "batch_size": 2, "workers": 1,
            "generator": {"w_dim": 16, "grid_size": 16, "fourier_features": 8,
                          "local_width": 8, "feature_dim": 8, "render_widths": [8, 8, 8]},
            "encoder": {"widths": [8, 8, 16, 16, 16]},
            "discriminator": {"widths": [8, 8, 16, 16]}}'
fi
echo "$EXTRA" > "$WORK/extra.json"

echo "== pipeline in fp16 and bf16 on $DEVICE"
python3 - "$DEVICE" <<'PY'
import sys
import time

import numpy as np
import torch
from PIL import Image

from s2fgan.data import SyntheticPortraits
from s2fgan.pipelines import SketchToFacePipeline


def pixels(output):
    return torch.from_numpy(np.asarray(output.images[0])).float()


device = sys.argv[1]
folder = "weights_card/s2fgan-synth-128"
sketch = SyntheticPortraits(128).render([2_000_000_000]).sketch[0, 0]
sketch = Image.fromarray((sketch * 255).round().byte().numpy())
base = pixels(SketchToFacePipeline.from_pretrained(folder).to(device)(sketch))
dtypes = [torch.float16, torch.bfloat16] if device == "cuda" else [torch.bfloat16]
for dtype in dtypes:
    pipe = SketchToFacePipeline.from_pretrained(folder, dtype=dtype).to(device)
    out = pipe(sketch)
    edited = pipe.edit(out, {"Smiling": 3.0})
    swapped = pipe.swap_regions(edited, pipe.random_face(7), ["hair"])
    diff = pixels(out) - base
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(10):
        pipe.edit(out, {"Young": -3.0})
    if device == "cuda":
        torch.cuda.synchronize()
    ms = (time.perf_counter() - start) * 100
    assert torch.isfinite(pixels(swapped)).all()
    print(
        f"{dtype}: differs from float32 by {diff.abs().mean():.2f} of 255 levels "
        f"(max {diff.abs().max():.0f}); re-edit {ms:.1f} ms"
    )
    # bfloat16 keeps 8 bits of mantissa to float16's 11: it drifts about 1.5x as far
    limit = 3.0 if dtype == torch.float16 else 6.0
    assert diff.abs().mean() < limit, f"{dtype} drifts from float32 by more than {limit}"
PY

steps_per_s() {  # metrics.jsonl of a run -> steps/s after the first 2 steps
    python3 - "$1" <<'PY'
import json, sys
lines = [json.loads(x) for x in open(sys.argv[1])]
first, last = lines[1], lines[-1]
print(f"{(last['step'] - first['step']) / max(last['seconds'] - first['seconds'], 1e-9):.3f}")
PY
}

launch() {  # one process per GPU
    if [[ "$GPUS" -gt 1 ]]; then
        accelerate launch --multi_gpu --num_processes "$GPUS" -m s2fgan.cli "$@"
    else
        python3 -m s2fgan.cli "$@"
    fi
}

echo "== synthetic recipe (configs/synth128.json), $SYNTH_STEPS steps in $PRECISION on $GPUS device(s)"
launch train --config configs/synth128.json --config "$WORK/extra.json" \
    --steps "$SYNTH_STEPS" --log-every 1 --max-minutes 0 --mixed-precision "$PRECISION" \
    --no-compile-engine --out-dir "$WORK/synth" >/dev/null
echo "synth128: $(steps_per_s "$WORK/synth/metrics.jsonl") steps/s"

echo "== CelebAMask-HQ recipe (configs/celebamask256.json) on an engine-made folder"
RES=$(python3 -c "import json; print(json.load(open('$WORK/extra.json')).get('resolution', 256))")
python3 -m s2fgan.cli data export --layout celebamask-hq --n 64 --resolution "$RES" \
    --out "$WORK/celeba" >/dev/null
launch train --config configs/celebamask256.json --config "$WORK/extra.json" \
    --data "$WORK/celeba" --steps "$STEPS" --log-every 1 --mixed-precision "$PRECISION" \
    --out-dir "$WORK/celeba-run" --export-pipeline "$WORK/celeba-pipe" >/dev/null
echo "celebamask256: $(steps_per_s "$WORK/celeba-run/metrics.jsonl") steps/s"
python3 -c "
from s2fgan.pipelines import SketchToFacePipeline
pipe = SketchToFacePipeline.from_pretrained('$WORK/celeba-pipe')
print('exported pipeline renders', pipe.random_face(0).images[0].size)
"
echo "gpu_smoke.sh: passed on $DEVICE"
