#!/usr/bin/env bash
# Train recipes side by side on one CUDA GPU for a fixed wall time, then pack each run's
# final networks (float16, in two tar files, each under 16 MiB) and its metrics into OUT.
#
#   bash benchmarks/gpu_train.sh OUT MINUTES NAME=CONFIG[+CONFIG...] ...
#   bash benchmarks/gpu_train.sh /tmp/out 7 base=configs/synth128.json+configs/styles.json \
#       v2=configs/v2-128.json
#
# Every run adds configs/gpu.json (batch 32, the painter in worker processes) and splits the
# machine's cores among the runs' painters. `--device cpu` makes it a dry run on tiny networks.
# Unpack a result here with `tar -xf OUT/NAME-*.tar -C runs/`; `s2fgan train --export-pipeline`
# is then `python -c "from s2fgan.training.commands import export_pipeline; ..."` on
# runs/NAME/final (see docs/experiments.md).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=$1; MINUTES=$2; shift 2
DEVICE=cuda
EXTRA=$(mktemp --suffix .json)
echo '{}' > "$EXTRA"
if [[ "${1:-}" == "--device" ]]; then
    DEVICE=$2; shift 2
    export ACCELERATE_USE_CPU=1
    cat > "$EXTRA" <<'JSON'
{"resolution": 64, "batch_size": 2, "render_workers": 1,
 "generator": {"w_dim": 16, "grid_size": 16, "fourier_features": 8, "local_width": 8,
               "feature_dim": 8, "render_widths": [8, 8, 8]},
 "encoder": {"widths": [8, 8, 16, 16, 16]}, "discriminator": {"widths": [8, 8, 16, 16]}}
JSON
fi
mkdir -p "$OUT"
CORES=$(nproc)
WORKERS=$(( (CORES - $#) / $# )); (( WORKERS < 1 )) && WORKERS=1
echo "gpu_train.sh: $# runs for $MINUTES min on $DEVICE, $WORKERS painters each"
pids=()
for run in "$@"; do
    name=${run%%=*}; configs=${run#*=}
    args=()
    for c in ${configs//+/ }; do args+=(--config "$c"); done
    python3 -m s2fgan.cli train "${args[@]}" --config configs/gpu.json --config "$EXTRA" \
        --render-workers "$WORKERS" --max-minutes "$MINUTES" --out-dir "runs/$name" \
        > "runs/$name.log" 2>&1 &
    pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
for run in "$@"; do
    name=${run%%=*}
    mkdir -p "runs/$name" && mv "runs/$name.log" "runs/$name/train.log"
    tr "\r" "\n" < "runs/$name/train.log" | grep -v "^train:" | tail -n 3
    python3 - "runs/$name" <<'PY'
import json, sys
rows = [json.loads(x) for x in open(f"{sys.argv[1]}/metrics.jsonl")]
a, b = rows[min(1, len(rows) - 1)], rows[-1]
rate = (b["step"] - a["step"]) / max(b["seconds"] - a["seconds"], 1e-9)
print(f"{sys.argv[1]}: {b['step']} steps in {b['seconds']:.0f} s, {rate:.2f} steps/s; last: "
      + ", ".join(f"{k} {v:.3f}" for k, v in b.items() if k in ("rec", "seg", "adv", "d")))
PY
    python3 benchmarks/pack_run.py pack "runs/$name" "$OUT" || status=1
done
ls -la "$OUT"
exit $status
