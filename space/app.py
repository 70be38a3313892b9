"""The s2fgan Hugging Face Space: the same app as the repository's app.py.

The model is $S2FGAN_MODEL, else the default repo's folder when this file runs from a source
checkout (space/ beside weights_card/), else the Hub repo s2fgan/s2fgan-synth-128; on ZeroGPU
hardware the handlers run under `spaces.GPU` (see s2fgan.app.loading.gpu).
"""

from pathlib import Path

from s2fgan.app import build_demo, load_pipeline
from s2fgan.app.cores import share_cores
from s2fgan.app.images import MAX_FILE_BYTES
from s2fgan.app.memory import cap_arenas
from s2fgan.app.shutdown import stop_on_sigterm
from s2fgan.pipelines.loading import resolve_model

BUNDLED = Path(__file__).resolve().parent.parent / "weights_card" / "s2fgan-synth-128"

CONCURRENCY = 2  # renders at once

demo = build_demo(load_pipeline(resolve_model(bundled=BUNDLED)))
demo.queue(default_concurrency_limit=CONCURRENCY, max_size=64)
share_cores(CONCURRENCY)
cap_arenas()

if __name__ == "__main__":
    stop_on_sigterm()  # a restarting Space removes the app's temporary files
    demo.launch(max_file_size=MAX_FILE_BYTES)
