"""The s2fgan Hugging Face Space: the same app as the repository's app.py.

The model is the Hub repo in $S2FGAN_MODEL (default s2fgan/s2fgan-synth-128); on ZeroGPU
hardware the handlers run under `spaces.GPU` (see s2fgan.app.loading.gpu).
"""

import os

from s2fgan.app import build_demo, load_pipeline
from s2fgan.app.images import MAX_FILE_BYTES
from s2fgan.app.shutdown import stop_on_sigterm
from s2fgan.pipelines.loading import HUB_MODEL

demo = build_demo(load_pipeline(os.environ.get("S2FGAN_MODEL", HUB_MODEL)))
demo.queue(default_concurrency_limit=2, max_size=64)

if __name__ == "__main__":
    stop_on_sigterm()  # a restarting Space removes the app's temporary files
    demo.launch(max_file_size=MAX_FILE_BYTES)
