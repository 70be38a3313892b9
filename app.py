"""Run the s2fgan app locally: `python app.py` (bundled weights), `--model FOLDER_OR_REPO_ID`.

The model can also be given by the S2FGAN_MODEL environment variable. The same app runs on
Hugging Face Spaces from space/app.py.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from s2fgan.app import build_demo, load_pipeline
from s2fgan.app.cores import share_cores
from s2fgan.app.images import MAX_FILE_BYTES
from s2fgan.app.memory import cap_arenas
from s2fgan.app.shutdown import stop_on_sigterm
from s2fgan.pipelines.loading import resolve_model

# The default repo's files in this checkout: the app loads them without the Hub.
BUNDLED = Path(__file__).resolve().parent / "weights_card" / "s2fgan-synth-128"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model",
        help="pipeline folder or Hub repo id "
        f"(default: {resolve_model(bundled=BUNDLED)}; $S2FGAN_MODEL when set)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 to serve the network")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--share", action="store_true", help="a public gradio.live link")
    parser.add_argument(
        "--concurrency", type=int, default=2, help="renders run at once (all buttons together)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    demo = build_demo(load_pipeline(resolve_model(args.model, bundled=BUNDLED)))
    share_cores(args.concurrency)  # each render on its share of the cores
    cap_arenas()  # large pictures do not leave memory behind in every worker thread
    stop_on_sigterm()  # its temporary files go, as with Ctrl+C
    demo.queue(default_concurrency_limit=args.concurrency, max_size=64).launch(
        server_name=args.host,
        server_port=args.port,
        share=args.share,
        max_file_size=MAX_FILE_BYTES,
    )


if __name__ == "__main__":
    main()
