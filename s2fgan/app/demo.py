"""`build_demo(pipe)`: the Gradio Blocks of s2fgan (UI wiring only; actions in handlers.py).

Panels: Sketch (draw / upload a sketch / upload a photo, examples) -> Result (colour seed,
overlays, download) -> Attributes (12 sliders from the face's own strengths) -> Region swap (donor,
regions, shape/texture). Per-user state lives in gr.State; the queue bounds concurrency.
"""

from __future__ import annotations

import gradio as gr

from s2fgan.app.examples import example_paths
from s2fgan.app.handlers import PART_CHOICES, Handlers
from s2fgan.app.images import region_legend
from s2fgan.app.upload import image_upload
from s2fgan.constants import ATTRIBUTES, REGIONS
from s2fgan.version import __version__

TITLE = "s2fgan: sketch a face, steer it, swap its regions"
INTRO = (
    "Draw a face (click the **brush**, then draw dark lines on the white canvas) and press "
    "**Generate**, or click an example. Then move the attribute sliders, or pick a donor "
    "face and swap its hair, eyes, mouth... Every picture here is **synthetic**, made by "
    f"s2fgan {__version__}; downloads say so in their PNG metadata."
)
CANVAS = 384  # px of the drawing canvas (the model resizes to its own resolution)


def build_demo(pipe, title: str = TITLE) -> gr.Blocks:
    """The app for one SketchToFacePipeline. Launch it with `.queue(...).launch()`."""
    h = Handlers(pipe)
    styles = bool(getattr(pipe, "has_styles", False))  # folders with a StyleBank
    with gr.Blocks(title="s2fgan", analytics_enabled=False) as demo:
        session = gr.State(None)
        gr.Markdown(f"# {title}\n{INTRO}")
        with gr.Row(equal_height=False):
            with gr.Column(scale=1):
                with gr.Tabs():
                    with gr.Tab("Draw"):
                        canvas = gr.Sketchpad(
                            label="Sketch",
                            type="pil",
                            image_mode="RGBA",
                            canvas_size=(CANVAS, CANVAS),
                            brush=gr.Brush(
                                colors=["#000000"],
                                default_color="#000000",
                                color_mode="fixed",
                                default_size=3,
                            ),
                            eraser=gr.Eraser(default_size=12),
                            layers=False,
                            elem_id="canvas",
                        )
                        generate = gr.Button("Generate", variant="primary", elem_id="generate")
                    with gr.Tab("Upload a sketch"):
                        sketch_file = image_upload(
                            label="Sketch (dark lines on white)", elem_id="sketch-upload"
                        )
                    with gr.Tab("Upload a photo"):
                        photo_file = image_upload("Photo (turned into a line drawing)")
                        photo_sketch = gr.Image(
                            label="Its line drawing", interactive=False, format="png"
                        )
                gr.Examples(
                    examples=[[p] for p in example_paths()],
                    inputs=[sketch_file],
                    label="Example sketches (click one)",
                    examples_per_page=8,
                )
            with gr.Column(scale=1):
                result = gr.Image(
                    label="Portrait",
                    type="pil",
                    interactive=False,
                    format="png",
                    height=320,
                    elem_id="result",
                    buttons=["fullscreen"],
                )
                received = gr.Image(
                    label="The sketch as the model saw it (cleaned and framed)",
                    type="pil",
                    interactive=False,
                    format="png",
                    height=110,
                    elem_id="received",
                )
                with gr.Row(visible=styles):
                    style = gr.Number(
                        label="Colour seed (blank: the sketch's own colours)",
                        value=None,
                        precision=0,
                        minimum=0,
                        elem_id="style",
                    )
                    colours = gr.Button("New colours", elem_id="colours")
                with gr.Row():
                    show_mask = gr.Checkbox(label="Overlay regions", value=False)
                    show_sketch = gr.Checkbox(label="Overlay sketch", value=False)
                gr.Markdown(region_legend())
                download = gr.DownloadButton("Download PNG", value=None, elem_id="download")
        with gr.Row(equal_height=False):
            with gr.Column(scale=1):
                gr.Markdown(
                    "### Attributes\nEach slider sets how strongly the face has the "
                    "attribute, from -4 (not at all) to +4; they start at the face's own values."
                )
                sliders = []
                with gr.Row():
                    for name in ATTRIBUTES:
                        sliders.append(
                            gr.Slider(
                                -4,
                                4,
                                value=0,
                                step=0.1,
                                label=name.replace("_", " "),
                                elem_id=f"slider-{name}",
                                min_width=180,
                            )
                        )
                reset = gr.Button("Reset sliders to the face's own values")
            with gr.Column(scale=1):
                gr.Markdown("### Region swap\nTake regions from a donor face.")
                with gr.Row():
                    with gr.Column(scale=2):
                        with gr.Tabs():
                            with gr.Tab("Random donor"):
                                with gr.Row():
                                    seed = gr.Number(
                                        label="Donor seed", value=1, precision=0, minimum=0
                                    )
                                    dice = gr.Button("New random donor", elem_id="dice")
                            with gr.Tab("Donor sketch"):
                                donor_sketch = image_upload("Donor sketch")
                            with gr.Tab("Donor photo"):
                                donor_photo = image_upload("Donor photo")
                        regions = gr.CheckboxGroup(
                            choices=list(REGIONS),
                            value=["hair"],
                            label="Regions to take",
                            elem_id="regions",
                        )
                        parts = gr.Radio(
                            choices=list(PART_CHOICES),
                            value="shape and texture",
                            label="Take their",
                        )
                        swap = gr.Button("Swap regions", variant="primary", elem_id="swap")
                    with gr.Column(scale=1):
                        donor_view = gr.Image(
                            label="Donor", interactive=False, height=200, format="png"
                        )

        overlays = [show_mask, show_sketch]
        rendered = [result, session, download, *sliders]
        generate.click(
            h.from_canvas, [canvas, session, *overlays, style], rendered, api_name="draw"
        ).then(h.received_sketch, [session], [received], api_name=False)
        # .change, not .upload: clicking an example fills the component without an upload.
        sketch_file.change(
            lambda path, *rest: h.from_sketch_file(path, *rest) if path else gr.skip(),
            [sketch_file, session, *overlays, style],
            rendered,
            api_name="sketch",
        ).then(h.received_sketch, [session], [received], api_name=False)
        photo_file.upload(
            h.from_photo_file,
            [photo_file, session, *overlays, style],
            [photo_sketch, *rendered],
            api_name="photo",
        ).then(h.received_sketch, [session], [received], api_name=False)
        for slider in sliders:
            slider.release(
                h.edit,
                [session, *overlays, *sliders],
                [result, session, download],
                api_name=False,
                show_progress="minimal",
                trigger_mode="always_last",
            )
        # One named endpoint for programmatic slider edits (gradio_client, tests).
        edit_api = gr.Button(visible=False)
        edit_api.click(
            h.edit, [session, *overlays, *sliders], [result, session, download], api_name="edit"
        )
        reset.click(h.reset, [session, *overlays], rendered, api_name="reset")
        # one event that draws the seed and repaints (again if the picture would not change)
        colours.click(h.new_colours, [session, *overlays], [style, *rendered], api_name=False)
        style.submit(h.restyle, [style, session, *overlays], rendered, api_name="colours")
        for box in overlays:
            box.change(h.view, [session, *overlays], result, api_name=False, show_progress="hidden")
        dice.click(h.roll, None, seed, api_name=False).then(
            h.donor_from_seed, [seed, session], [donor_view, session], api_name="donor_seed"
        )
        seed.submit(h.donor_from_seed, [seed, session], [donor_view, session], api_name=False)
        donor_sketch.upload(
            h.donor_from_sketch,
            [donor_sketch, session],
            [donor_view, session],
            api_name="donor_sketch",
        )
        donor_photo.upload(
            h.donor_from_photo,
            [donor_photo, session],
            [donor_view, session],
            api_name="donor_photo",
        )
        swap.click(h.swap, [session, regions, parts, *overlays], rendered, api_name="swap")
        demo.load(h.donor_from_seed, [seed, session], [donor_view, session], api_name=False)
    return demo
