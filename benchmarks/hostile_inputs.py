"""Pictures at and over the app's limits, sent to the served app through its API: the time to
each answer and the server's memory, on the bundled weights by default:

    PYTHONPATH=. python benchmarks/hostile_inputs.py --runs 3

Sends a 4096x4096 drawing (the largest allowed), a 9 MB 4096x4096 PNG of noise, a 13000x13000
PNG (37 KB, 169 megapixels once decoded: refused from its header) and a truncated PNG,
each as a sketch upload and as the canvas. Prints, per picture and route, the median seconds to
the answer, what the app answered, and the server's RSS after (the app is served in this
process).
"""

from __future__ import annotations

import argparse
import base64
import gc
import io
import statistics
import struct
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def white_png(width: int, height: int) -> bytes:
    """A white 1-bit PNG of width x height pixels: zlib packs 13000 x 13000 in 37 KB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    row = b"\0" + b"\xff" * ((width + 7) // 8)
    rows = zlib.compress(row * height, 9)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def drawing(side: int) -> Image.Image:
    """A face drawn with lines 0.4% of the side wide."""
    image = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(image)
    s, w = side, max(1, round(0.004 * side))
    draw.ellipse((0.3 * s, 0.2 * s, 0.7 * s, 0.75 * s), outline=0, width=w)
    for x in (0.42, 0.58):
        draw.ellipse(((x - 0.04) * s, 0.4 * s, (x + 0.04) * s, 0.44 * s), outline=0, width=w)
    draw.line((0.5 * s, 0.45 * s, 0.48 * s, 0.55 * s, 0.52 * s, 0.56 * s), fill=0, width=w)
    draw.arc((0.42 * s, 0.55 * s, 0.58 * s, 0.65 * s), 20, 160, fill=0, width=w)
    return image


def main() -> None:
    import gradio_client

    from s2fgan.app import build_demo, load_pipeline
    from s2fgan.app.cores import share_cores
    from s2fgan.app.memory import cap_arenas

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model",
        default=str(Path(__file__).resolve().parents[1] / "weights_card" / "s2fgan-synth-128"),
        help="pipeline folder or Hub repo id (default: bundled)",
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="s2fgan-hostile-"))
    noise = np.full((4096, 4096), 255, dtype=np.uint8)
    noise[:2200] = np.random.default_rng(0).integers(0, 256, (2200, 4096), dtype=np.uint8)
    pictures = {
        "4096 px drawing": png(drawing(4096)),
        "4096 px, 9 MB of noise": png(Image.fromarray(noise)),
        "13000 px PNG": white_png(13000, 13000),
        "truncated PNG": png(drawing(512))[:300],
    }
    files = {}
    for i, (name, data) in enumerate(pictures.items()):
        files[name] = folder / f"picture_{i}.png"
        files[name].write_bytes(data)
    demo = build_demo(load_pipeline(args.model))
    share_cores(2)  # as app.py serves it
    cap_arenas()
    demo.queue(default_concurrency_limit=2).launch(
        server_name="127.0.0.1", prevent_thread_lock=True, quiet=True
    )
    client = gradio_client.Client(demo.local_url, verbose=False)
    client.predict(1, False, False, "", api_name="/example")  # warm-up
    gc.collect()
    print(f"server RSS after warm-up: {rss_mb():.0f} MB\n")
    print("| picture | file | route | median s to answer | answer | RSS after MB |")
    print("|---|---|---|---|---|---|")
    for name, data in pictures.items():
        url = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
        upload = gradio_client.handle_file(str(files[name]))
        for route, call in (
            ("sketch upload", lambda upload=upload: ((upload, False, False, ""), "/sketch")),
            ("canvas", lambda url=url: ((url, False, False, ""), "/draw")),
        ):
            times, answer = [], ""
            for _ in range(args.runs):
                values, api = call()
                start = time.perf_counter()
                try:
                    client.predict(*values, api_name=api)
                    answer = "a portrait"
                except Exception as error:  # the app's message
                    answer = str(error).strip().splitlines()[-1][:90]
                times.append(time.perf_counter() - start)
            gc.collect()
            size = f"{len(data) / 1024:.0f} KB"
            print(
                f"| {name} | {size} | {route} | {statistics.median(times):.2f} | {answer} "
                f"| {rss_mb():.0f} |"
            )
    demo.close()


if __name__ == "__main__":
    main()
