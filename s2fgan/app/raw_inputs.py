"""Input components that hand the handler what the user (or an API caller) sent, unchecked.

gr.Slider and gr.Number check a value before any handler runs, each its own way: a slider's
out-of-range value (a typed 7) gives a toast while the picture keeps its old value, a number
box with precision=0 rounds a donor seed of 2.5 silently, and a value that is not a number
fails with a bare "Error". The handlers check every value themselves (`inputs.parse_strength`,
`inputs.parse_seed`, `inputs.parse_regions`), in one place for the browser and the API.

No __init__ in these classes: gradio reads a component's frontend props from its __init__
signature, which must stay the parent's.
"""

from __future__ import annotations

import gradio as gr


class StrengthSlider(gr.Slider):
    """An attribute slider (build it as gr.Slider). Its blank value stays blank (gr.Slider
    shows its minimum instead): blank until there is a face, which API callers must give
    every strength for, and what its reset button sends back."""

    is_template = True  # drawn by gr.Slider's own frontend

    def preprocess(self, payload):
        return payload

    def postprocess(self, value):
        return None if value is None else super().postprocess(value)


class SeedNumber(gr.Number):
    """A seed box (build it as gr.Number)."""

    is_template = True  # drawn by gr.Number's own frontend

    def preprocess(self, payload):
        return payload


class RegionChoice(gr.CheckboxGroup):
    """The regions to swap (build it as gr.CheckboxGroup): an API caller's single region
    given as a string reaches the handler as it is (gr.CheckboxGroup would read "hair" as the
    choices "h", "a", "i", "r"), which checks it with `inputs.parse_regions`."""

    is_template = True  # drawn by gr.CheckboxGroup's own frontend

    def preprocess(self, payload):
        return payload
