#!/usr/bin/env bash
# Distribution check. Builds the sdist and the wheel from the files git knows (what a clean
# clone holds), checks what they contain (the package and its evaluator weights and card
# template; no weights_card/, tests, benchmarks or Space), installs the wheel into a fresh
# virtual environment (the CPU torch first, so the torch>=2.4 requirement is already met), and
# there, outside the source tree: `s2fgan --version`, `s2fgan generate` on a sample sketch with
# the bundled weights folder, and `s2fgan card --check` on it (the installed template renders
# the committed card unchanged).
#
#   bash .ci/wheel.sh            # KEEP=1 keeps the work folder and prints its path
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
weights="$repo/weights_card/s2fgan-synth-128"
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' s2fgan/version.py)
[[ -n "$version" ]] || { echo ".ci/wheel.sh: no __version__ in s2fgan/version.py" >&2; exit 1; }
work=$(mktemp -d)
if [[ -n "${KEEP:-}" ]]; then echo ".ci/wheel.sh: work folder $work"; else trap 'rm -rf "$work"' EXIT; fi
start=$SECONDS
step() { echo ".ci/wheel.sh: $* ($((SECONDS - start)) s)"; }

step "sources: tracked and untracked, not ignored"
mkdir "$work/src"
git ls-files -z --cached --others --exclude-standard \
    | tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null \
    | tar -xf - -C "$work/src"

step "fresh virtual environment: torch==2.13.0, build"
python3 -m venv "$work/venv"
py="$work/venv/bin/python"
"$py" -m pip install --quiet torch==2.13.0 build

step "python -m build (sdist, then the wheel from the sdist)"
"$py" -m build --outdir "$work/dist" "$work/src" > "$work/build.log" 2>&1 \
    || { tail -n 40 "$work/build.log" >&2; exit 1; }

step "contents of the sdist and the wheel"
"$py" - "$work/dist" "$version" <<'EOF'
import sys, tarfile, zipfile
from pathlib import Path

dist, version = Path(sys.argv[1]), sys.argv[2]
wheels, sdists = list(dist.glob("*.whl")), list(dist.glob("*.tar.gz"))
assert [w.name for w in wheels] == [f"s2fgan-{version}-py3-none-any.whl"], wheels
assert [s.name for s in sdists] == [f"s2fgan-{version}.tar.gz"], sdists
names = {
    "wheel": zipfile.ZipFile(wheels[0]).namelist(),
    "sdist": [n.split("/", 1)[1] for n in tarfile.open(sdists[0]).getnames() if "/" in n],
}
required = (
    "s2fgan/cli.py",
    "s2fgan/hub/model_card.md",
    "s2fgan/evaluation/weights/heldout.json",
    "s2fgan/evaluation/weights/classifier/diffusion_pytorch_model.safetensors",
    "s2fgan/evaluation/weights/segmenter/diffusion_pytorch_model.safetensors",
    "s2fgan/app/demo.py",
    "s2fgan/app/examples/sketch_0_2000000000.png",
)
forbidden = ("weights_card/", "tests/", "benchmarks/", "space/", "runs/", ".ci/")
for kind, files in names.items():
    missing = [r for r in required if r not in files]
    stray = [f for f in files if f.startswith(forbidden) or "__pycache__" in f]
    stray += [
        f for f in files
        if f.endswith(".safetensors") and not f.startswith("s2fgan/evaluation/weights/")
    ]
    assert not missing, f"{kind} lacks {missing}"
    assert not stray, f"{kind} holds {stray[:10]}"
    size = (wheels if kind == "wheel" else sdists)[0].stat().st_size / 1e6
    print(f"  {kind}: {len(files)} entries, {size:.1f} MB, no weights_card/ or tests/")
EOF

step "pip install the wheel"
"$py" -m pip install --quiet "$work"/dist/*.whl

step "run the installed package outside the source tree"
mkdir "$work/run"
cd "$work/run"
bin="$work/venv/bin"
"$py" -c "import s2fgan, sys; f = s2fgan.__file__; sys.exit(f'imported {f}' if f.startswith('$repo') else 0)"
test "$("$bin/s2fgan" --version)" = "s2fgan $version"
"$bin/s2fgan" data export --n 1 --seed 1000000000 --resolution 128 --out sample > /dev/null
"$bin/s2fgan" generate --pipeline "$weights" --sketch sample/sketches/1000000000.png --out face.png
"$py" - <<'EOF'
from PIL import Image

face = Image.open("face.png")
assert face.format == "PNG" and face.mode == "RGB" and face.size == (128, 128), face
assert face.text["Software"].startswith("s2fgan "), face.text
print(f"  face.png: {face.size[0]}x{face.size[1]} {face.mode}, {face.text['Software']}")
EOF
"$bin/s2fgan" card --check "$weights"

step "passed"
