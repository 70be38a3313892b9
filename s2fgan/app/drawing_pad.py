"""The drawing canvas of the app: a plain HTML canvas that sends one PNG per stroke.

gr.Sketchpad exports and uploads its layers several times per stroke (about 20 uploads and
a second before the event reaches the queue), which made live drawing lag by 1.5 s. This pad
(drawing_pad.js, run by gr.HTML) keeps its strokes in the page and, when a stroke ends, sends
the page as one PNG data URL in the event itself: its value is that string, or None for an
empty pad. Python sets the value to put a picture on the pad (an example sketch), which then
becomes the paper under the user's strokes.
"""

from __future__ import annotations

import base64
from pathlib import Path

import gradio as gr

SCRIPT = Path(__file__).with_name("drawing_pad.js")

TEMPLATE = """
<div class="pad">
  <div class="tools">
    <button type="button" data-tool="brush" aria-label="Brush" title="Brush">&#9998; Brush</button>
    <button type="button" data-tool="eraser" aria-label="Eraser" title="Eraser">Eraser</button>
    <button type="button" data-tool="undo" aria-label="Undo" title="Undo">&#8630; Undo</button>
    <button type="button" data-tool="clear" aria-label="Clear canvas" title="Clear canvas">
      Clear</button>
  </div>
  <canvas aria-label="Drawing canvas"></canvas>
</div>
"""

CSS = """
.pad { display: flex; flex-direction: column; gap: 6px; }
.tools { display: flex; gap: 6px; flex-wrap: wrap; }
.tools button { padding: 2px 10px; border: 1px solid var(--border-color-primary);
  border-radius: var(--radius-sm); background: var(--background-fill-secondary); }
.tools button.chosen { border-color: var(--color-accent); font-weight: 600; }
canvas { width: 100%; max-width: ${side}px; aspect-ratio: 1; background: #fff;
  border: 1px solid var(--border-color-primary); touch-action: none; cursor: crosshair; }
"""


def data_url(path: str | Path) -> str:
    """A picture file as a data URL, to put it on the pad."""
    payload = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return f"data:image/png;base64,{payload}"


class DrawingPad(gr.HTML):
    """A square drawing canvas of `side` px whose value is a PNG data URL (or None)."""

    def __init__(
        self,
        side: int = 384,
        brush_size: int = 3,
        eraser_size: int = 12,
        elem_id: str | None = None,
        label: str | None = None,
    ) -> None:
        super().__init__(
            value=None,
            label=label,
            html_template=TEMPLATE,
            css_template=CSS,
            js_on_load=SCRIPT.read_text(),
            elem_id=elem_id,
            apply_default_css=False,
            side=side,
            brush_size=brush_size,
            eraser_size=eraser_size,
        )

    def preprocess(self, payload):
        return payload  # checked and decoded by the handlers (images.read_canvas)

    def postprocess(self, value):
        return value

    def api_info(self) -> dict:
        return {
            "type": "string",
            "description": "the drawing as a PNG data URL (data:image/png;base64,...)",
        }

    def example_payload(self):
        return None

    def example_value(self):
        return None
