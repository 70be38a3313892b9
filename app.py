"""Local entry point of the s2fgan Gradio app: `python app.py`.

The app (draw or upload a sketch, attribute sliders, region swaps with a donor face) lands with
the app issue and will be built from `s2fgan.app`. Until then this stub says what to run instead.
"""

import logging
import sys

logger = logging.getLogger("s2fgan.app")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logger.info(
        "The s2fgan Gradio app is not there yet. Meanwhile, look at the synthetic training data:\n"
        "    s2fgan data preview --n 16 --out preview.png"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
