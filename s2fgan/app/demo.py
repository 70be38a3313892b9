"""`build_demo(pipe)`: the Gradio Blocks of s2fgan (UI wiring only; actions in handlers.py).

Panels: Sketch (draw, live or with Generate / upload a sketch / upload a photo, examples) ->
Result (colour style, overlays, download) -> Attributes (12 sliders from the face's own
strengths) -> Region swap (donor, regions, shape/texture). Per-user state lives in gr.State,
kept `session_ttl` seconds after its last change (gradio keeps a closed tab's state as long).

Every event that runs the model shares one concurrency group, RENDER, whose limit is the
queue's default (`--concurrency`): that many renders run at once, whichever buttons started
them. Uploaded files (up to 4096 px to decode) have their own group, UPLOAD, of one, so that
uploads can never hold every renderer while other users draw.
"""

from __future__ import annotations

import inspect
from functools import partial
from types import SimpleNamespace

import gradio as gr

from s2fgan.app.drawing_pad import DrawingPad
from s2fgan.app.examples import example_paths
from s2fgan.app.handlers import PART_CHOICES, Handlers
from s2fgan.app.images import region_legend
from s2fgan.app.inputs import MAX_SEED
from s2fgan.app.raw_inputs import RegionChoice, SeedNumber, StrengthSlider
from s2fgan.app.strict_blocks import StrictBlocks
from s2fgan.app.upload import image_upload
from s2fgan.constants import ATTRIBUTES, REGIONS
from s2fgan.version import __version__

TITLE = "s2fgan: sketch a face, steer it, swap its regions"
INTRO = (
    "Draw a face with dark lines on the white canvas (with **Live** on, the portrait follows "
    "each stroke), or click an example. Then move the attribute sliders, or pick a donor "
    "face and swap its hair, eyes, mouth... Every picture here is **synthetic**, made by "
    f"s2fgan {__version__}; downloads say so in their PNG metadata."
)
CANVAS = 384  # px of the drawing canvas (the model resizes to its own resolution)
SESSION_TTL = 3600  # s a session's faces are kept after its last action
# Every 10 minutes, gradio deletes the pictures it cached for the page over an hour ago.
DELETE_CACHE = (600, 3600)
RENDER = {"concurrency_id": "render", "concurrency_limit": "default"}
UPLOAD = {"concurrency_id": "upload", "concurrency_limit": 1}
# Renders show no progress badge: they take tens of milliseconds, and a failed one would
# otherwise mark each of its outputs (the portrait and 12 sliders) "Error" until the next
# success; the message comes as a toast.
QUIET = {"show_progress": "hidden"}


def _unchanged(count: int):
    """A function that leaves `count` outputs as they are."""
    return lambda: gr.skip() if count == 1 else (gr.skip(),) * count


def _named(function, names: list[str]):
    """`function` with a signature that names its parameters, so that API clients see (and
    are asked for) each slider by its attribute's name rather than param_6."""

    def call(*args):
        return function(*args)

    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    call.__signature__ = inspect.Signature([inspect.Parameter(n, kind) for n in names])
    return call


def _render(trigger, fn, inputs, outputs, **kwargs):
    """An event that renders: shown without progress, and its outputs settled if it fails
    (gradio marks each output of a failed event "Error" until the next success, whatever
    show_progress says; the message is a toast)."""
    event = trigger(fn, inputs, outputs, **QUIET, **kwargs)
    event.failure(_unchanged(len(outputs)), None, outputs, api_name=False, queue=False, **QUIET)
    return event


def _sketch_panel() -> dict:
    """The Sketch column: the drawing pad (Live, Generate), the two upload tabs, examples."""
    with gr.Tabs():
        with gr.Tab("Draw"):
            canvas = DrawingPad(side=CANVAS, elem_id="canvas", label="Sketch")
            with gr.Row():
                live = gr.Checkbox(
                    label="Live: the portrait follows each stroke",
                    value=True,
                    elem_id="live",
                )
                generate = gr.Button("Generate", variant="primary", elem_id="generate")
        with gr.Tab("Upload a sketch"):
            sketch_file = image_upload(
                label="Sketch (dark lines on white)", elem_id="sketch-upload"
            )
        with gr.Tab("Upload a photo"):
            photo_file = image_upload("Photo (turned into a line drawing)")
            photo_sketch = gr.Image(label="Its line drawing", interactive=False, format="png")
    examples = gr.Dataset(
        components=[gr.Image(type="filepath", visible=False)],
        samples=[[p] for p in example_paths()],
        type="index",
        label="Example sketches (click one: it goes onto the canvas too)",
        samples_per_page=8,
        elem_id="examples",
    )
    return dict(
        canvas=canvas,
        live=live,
        generate=generate,
        sketch_file=sketch_file,
        photo_file=photo_file,
        photo_sketch=photo_sketch,
        examples=examples,
    )


def _result_panel() -> dict:
    """The Result column: the portrait, the sketch as received, the colour style, the
    overlays and the download."""
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
    with gr.Row():
        # a text box, so that blank (the sketch's own colours) stays blank: a number box
        # shows and sends 0
        style = gr.Textbox(
            label="Colour style (blank: the sketch's own colours)",
            value="",
            placeholder="blank: the sketch's own colours",
            max_lines=1,
            elem_id="style",
        )
        colours = gr.Button("New colours", elem_id="colours")
    with gr.Row():
        show_mask = gr.Checkbox(label="Overlay regions", value=False)
        show_sketch = gr.Checkbox(label="Overlay sketch", value=False)
    gr.Markdown(region_legend())
    download = gr.DownloadButton("Download PNG", value=None, elem_id="download")
    return dict(
        result=result,
        received=received,
        style=style,
        colours=colours,
        overlays=[show_mask, show_sketch],
        download=download,
    )


def _attribute_panel() -> dict:
    """The Attributes column: the 12 strength sliders and their reset."""
    gr.Markdown(
        "### Attributes\nEach slider sets how strongly the face has the "
        "attribute, from -4 (not at all) to +4; they start at the face's own values, "
        "and a slider's own reset (↺) goes back to it."
    )
    sliders = []
    with gr.Row():
        for name in ATTRIBUTES:
            sliders.append(
                # blank until there is a face; its reset button sends the blank, which the
                # handler reads as "the face's own value"
                StrengthSlider(
                    -4,
                    4,
                    value=None,
                    step=0.1,
                    label=name.replace("_", " "),
                    elem_id=f"slider-{name}",
                    min_width=180,
                )
            )
    reset = gr.Button("Reset sliders to the face's own values")
    return dict(sliders=sliders, reset=reset)


def _swap_panel() -> dict:
    """The Region swap column: the donor (seed, sketch or photo), regions, parts, Swap."""
    gr.Markdown("### Region swap\nTake regions from a donor face.")
    with gr.Row():
        with gr.Column(scale=2):
            with gr.Tabs():
                with gr.Tab("Random donor"):
                    with gr.Row():
                        seed = SeedNumber(
                            label="Donor seed",
                            value=1,
                            precision=0,
                            minimum=0,
                            maximum=MAX_SEED,
                            elem_id="donor-seed",
                        )
                        dice = gr.Button("New random donor", elem_id="dice")
                with gr.Tab("Donor sketch"):
                    donor_sketch = image_upload("Donor sketch")
                with gr.Tab("Donor photo"):
                    donor_photo = image_upload("Donor photo")
            regions = RegionChoice(
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
                label="Donor",
                interactive=False,
                height=200,
                format="png",
                elem_id="donor",
            )
    return dict(
        seed=seed,
        dice=dice,
        donor_sketch=donor_sketch,
        donor_photo=donor_photo,
        regions=regions,
        parts=parts,
        swap=swap,
        donor_view=donor_view,
    )


def _wire_sketch(h: Handlers, ui: SimpleNamespace) -> None:
    """Each way to a portrait (Generate, a live stroke, an example, a sketch or photo
    upload), then the sketch as the model received it."""
    rendered, overlays, style = ui.rendered, ui.overlays, ui.style

    def shown(event) -> None:
        event.then(h.received_sketch, [ui.session], [ui.received], api_name=False, **QUIET)

    canvas_inputs = [ui.canvas, ui.session, *overlays, style]
    shown(
        _render(
            ui.generate.click, h.from_canvas, canvas_inputs, rendered, api_name="draw", **RENDER
        )
    )
    # The portrait follows the canvas at each stroke's end (the pad sends its page then). A
    # stroke arriving while one renders waits, and only the newest waiting one runs.
    live_inputs = [ui.canvas, ui.live, ui.session, *overlays, style]
    shown(
        _render(
            ui.canvas.stroke,
            h.live,
            live_inputs,
            rendered,
            api_name="live",
            trigger_mode="always_last",
            **RENDER,
        )
    )
    example_inputs = [ui.examples, ui.session, *overlays, style]
    shown(
        _render(
            ui.examples.click,
            h.from_example,
            example_inputs,
            [ui.canvas, *rendered],
            api_name="example",
            **RENDER,
        )
    )
    shown(
        _render(
            ui.sketch_file.upload,
            h.from_sketch_file,
            [ui.sketch_file, ui.session, *overlays, style],
            rendered,
            api_name="sketch",
            **UPLOAD,
        )
    )
    shown(
        _render(
            ui.photo_file.upload,
            h.from_photo_file,
            [ui.photo_file, ui.session, *overlays, style],
            [ui.photo_sketch, *rendered],
            api_name="photo",
            **UPLOAD,
        )
    )


def _wire_attributes(h: Handlers, ui: SimpleNamespace) -> None:
    """The sliders as they move, the /edit endpoint and the reset."""
    session, overlays, sliders = ui.session, ui.overlays, ui.sliders
    # A slider re-renders as it moves (drag, typing, arrow keys: input events, the newest
    # one winning) and on release (end of a drag, leaving the box, its reset button).
    for name, slider in zip(ATTRIBUTES, sliders, strict=True):
        for trigger, blank_resets in ((slider.input, False), (slider.release, True)):
            _render(
                trigger,
                partial(h.slide, name, blank_resets),
                [session, *overlays, *sliders],
                [ui.result, session, ui.download, slider],
                api_name=False,
                trigger_mode="always_last",
                **RENDER,
            )
    # One named endpoint for programmatic slider edits (gradio_client, tests).
    edit_api = gr.Button(visible=False)
    edit_api.click(
        _named(h.edit, ["session", "show_mask", "show_sketch", *ATTRIBUTES]),
        [session, *overlays, *sliders],
        [ui.result, session, ui.download],
        api_name="edit",
        **RENDER,
        **QUIET,
    )
    _render(ui.reset.click, h.reset, [session, *overlays], ui.rendered, api_name="reset", **RENDER)


def _wire_colours(h: Handlers, ui: SimpleNamespace) -> None:
    """New colours, a typed colour style, and the overlays."""
    session, overlays = ui.session, ui.overlays
    # one event that draws the style and repaints (again if the picture would not change)
    _render(
        ui.colours.click,
        h.new_colours,
        [session, *overlays],
        [ui.style, *ui.rendered],
        api_name=False,
        **RENDER,
    )
    _render(
        ui.style.submit,
        h.restyle,
        [ui.style, session, *overlays],
        ui.rendered,
        api_name="colours",
        **RENDER,
    )
    for box in overlays:
        box.change(h.view, [session, *overlays], ui.result, api_name=False, **QUIET)


def _wire_swap(h: Handlers, ui: SimpleNamespace) -> None:
    """The donor (dice, seed box, uploads) and the swap (the button and the /swap endpoint)."""
    session, seed = ui.session, ui.seed
    donor = [ui.donor_view, session]
    _render(
        ui.dice.click(h.roll, None, seed, api_name=False, **QUIET).then,
        h.donor_from_seed,
        [seed, session],
        donor,
        api_name="donor_seed",
        **RENDER,
    )
    _render(seed.submit, h.donor_from_seed, [seed, session], donor, api_name=False, **RENDER)
    # the seed box goes with each donor upload: a seed typed into it later wins at Swap
    for upload, take, api_name in (
        (ui.donor_sketch, h.donor_from_sketch, "donor_sketch"),
        (ui.donor_photo, h.donor_from_photo, "donor_photo"),
    ):
        _render(upload.upload, take, [upload, session, seed], donor, api_name=api_name, **UPLOAD)
    # The Swap button also reads the seed box, so that a seed typed without Enter is the
    # donor; the /swap endpoint swaps with the donor chosen before.
    _render(
        ui.swap.click,
        h.swap_from_page,
        [session, ui.regions, ui.parts, *ui.overlays, seed],
        [*ui.rendered, ui.donor_view],
        api_name=False,
        **RENDER,
    )
    swap_api = gr.Button(visible=False)
    swap_api.click(
        h.swap,
        [session, ui.regions, ui.parts, *ui.overlays],
        ui.rendered,
        api_name="swap",
        **RENDER,
        **QUIET,
    )


def build_demo(
    pipe,
    title: str = TITLE,
    session_ttl: float = SESSION_TTL,
    delete_cache: tuple[int, int] = DELETE_CACHE,
) -> gr.Blocks:
    """The app for one SketchToFacePipeline. Launch it with `.queue(...).launch()`.

    Args:
        pipe: the SketchToFacePipeline.
        title: the page's heading.
        session_ttl: seconds a session's state lives after its last change (also after its
            tab closes); its download file goes with it.
        delete_cache: gradio's (frequency, age) in seconds for deleting the files it cached.
    """
    h = Handlers(pipe)
    with StrictBlocks(title="s2fgan", analytics_enabled=False, delete_cache=delete_cache) as demo:
        demo.handlers = h  # the soak test reads its download folder
        session = gr.State(None, time_to_live=session_ttl, delete_callback=h.forget)
        gr.Markdown(f"# {title}\n{INTRO}")
        with gr.Row(equal_height=False):
            with gr.Column(scale=1):
                sketch = _sketch_panel()
            with gr.Column(scale=1):
                result = _result_panel()
        with gr.Row(equal_height=False):
            with gr.Column(scale=1):
                attributes = _attribute_panel()
            with gr.Column(scale=1):
                swap = _swap_panel()
        ui = SimpleNamespace(session=session, **sketch, **result, **attributes, **swap)
        ui.rendered = [ui.result, session, ui.download, *ui.sliders]
        _wire_sketch(h, ui)
        _wire_attributes(h, ui)
        _wire_colours(h, ui)
        _wire_swap(h, ui)
        donor = [ui.donor_view, session]
        demo.load(h.donor_from_seed, [ui.seed, session], donor, api_name=False, **RENDER, **QUIET)
        # the sliders show 0 until there is a face (blank in the config: see StrengthSlider)
        demo.load(lambda: [0.0] * len(ui.sliders), None, ui.sliders, api_name=False, **QUIET)
    return demo
