"""What each control of the app does, as plain methods over a per-user `Session`.

The Blocks layout (demo.py) only wires components to these methods; tests call them
directly. The shown face is always `pipe.edit(session.base, sliders)`: `base` is the
encoded (and possibly swapped) code, so moving a slider never re-encodes the sketch.
"""

from __future__ import annotations

import logging
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr
import numpy as np
from PIL import Image

from s2fgan.app.downloads import Downloads
from s2fgan.app.drawing_pad import data_url
from s2fgan.app.examples import example_paths
from s2fgan.app.images import DISPLAY, PHOTO_SIDE, compose, read_canvas, read_upload
from s2fgan.app.inputs import MAX_SEED, parse_regions, parse_seed, parse_strength, user_error
from s2fgan.app.loading import gpu
from s2fgan.constants import ATTRIBUTES
from s2fgan.data.photo_to_sketch import photo_to_sketch
from s2fgan.data.sketch_input import NO_STROKES, work_side
from s2fgan.pipelines.sketch_to_face import FaceOutput

logger = logging.getLogger(__name__)

PART_CHOICES = {
    "shape and texture": ("shape", "texture"),
    "shape": ("shape",),
    "texture": ("texture",),
}


@dataclass
class Swap:
    """A region swap applied to the session's face (replayed when live drawing re-encodes)."""

    donor: FaceOutput
    source: str  # how the donor was chosen, e.g. "random seed 7"
    regions: list[str]
    parts: tuple[str, ...]


@dataclass
class Session:
    """One browser tab's state (kept in gr.State, so tabs never share faces)."""

    base: FaceOutput | None = None  # the encoded code, after swaps, before slider edits
    face: FaceOutput | None = None  # what is shown: base with the sliders applied
    sketch: Image.Image | None = None  # the sketch the face came from (for the overlay)
    style: int | None = None  # the colour style of the face (None: the sketch's own colours)
    source: str = ""  # "canvas", "live canvas", "example NAME", "sketch upload", "photo upload"
    donor: FaceOutput | None = None  # the donor chosen for the next swap
    donor_source: str = ""
    # what the donor seed box held when the donor was chosen: a swap from the page whose box
    # holds another seed takes that seed's face (typed without Enter)
    donor_box: int | None = None
    swaps: list[Swap] = field(default_factory=list)  # swaps in `base` since the face was made
    edits: dict[str, float] = field(default_factory=dict)  # sliders moved off the base
    key: str = field(default_factory=Downloads.new_key)  # names its Download PNG file


FLAT_PHOTO = (
    "the photo has no lines to draw from (one flat colour, or no edges): give a photo of a face"
)


def _shown(strength: float) -> float:
    """A strength as its slider shows it: in [-4, 4], one decimal."""
    return round(max(-4.0, min(4.0, strength)), 1)


def _require_portrait(session: Session | None) -> None:
    if session is None or session.base is None:
        raise user_error("Make a portrait first: draw a face and press Generate.")


def _style_box(value) -> int | None:
    """A colour style from its box: None when blank (the sketch's own colours)."""
    return parse_seed(value, "colour style", blank=True)


def _no_change() -> tuple:
    """What a render event returns to leave every output as it is (picture, session, download,
    the 12 sliders)."""
    return (gr.skip(),) * (3 + len(ATTRIBUTES))


@contextmanager
def _said_to_the_user():
    """The one path from a refused input to the page: a ValueError raised inside (the
    library's and the readers' messages are written for the user) becomes the gr.Error toast
    with its message, without the traceback; any other error stays a bug."""
    try:
        yield
    except ValueError as error:
        raise user_error(str(error)) from None


def _swap_choice(regions, parts) -> tuple[list[str], tuple[str, ...]]:
    """The regions (a list, or one name) and the parts choice of a swap, checked."""
    with _said_to_the_user():
        regions = parse_regions(regions)
    if parts not in PART_CHOICES:
        choices = ", ".join(map(repr, PART_CHOICES))
        raise user_error(f"Unknown part {parts!r}: take one of {choices}.")
    return regions, PART_CHOICES[parts]


def _box_seed(value) -> int | None:
    """The seed in the donor seed box, or None when it holds none that is valid."""
    try:
        return parse_seed(value, "donor seed")
    except ValueError:
        return None


class Handlers:
    """The app's actions on one pipeline."""

    def __init__(self, pipe) -> None:
        self.pipe = pipe
        self.downloads = Downloads()
        self._encode_sketch = gpu(self._encode_sketch_impl)
        self._encode_photo = gpu(self._encode_photo_impl)
        self._edit = gpu(self._edit_impl)
        self._swap = gpu(self._swap_impl)
        self._random = gpu(self._random_impl)
        self._restyle = gpu(self._restyle_impl)

    # ---- model calls (wrapped with spaces.GPU on ZeroGPU)

    def _encode_sketch_impl(self, sketch: Image.Image, style: int | None = None) -> FaceOutput:
        return self.pipe(sketch, style=style)

    def _encode_photo_impl(self, photo: Image.Image) -> FaceOutput:
        return self.pipe.from_photo(photo)

    def _edit_impl(self, base: FaceOutput, edits: dict[str, float]) -> FaceOutput:
        return self.pipe.edit(base, edits) if edits else base

    def _swap_impl(self, base, donor, regions, parts) -> FaceOutput:
        return self.pipe.swap_regions(base, donor, regions, parts)

    def _random_impl(self, seed: int) -> FaceOutput:
        return self.pipe.random_face(seed)

    def _restyle_impl(self, base: FaceOutput, style: int) -> FaceOutput:
        return self.pipe.restyle(base, style)

    # ---- outputs shared by every action

    def view(self, session: Session | None, show_mask: bool = False, show_sketch: bool = False):
        """The result image as shown, with the chosen overlays."""
        if session is None or session.face is None:
            return None
        return compose(
            session.face.images[0], session.face.masks[0], session.sketch, show_mask, show_sketch
        )

    def download(self, session: Session) -> str:
        """The shown face at the size the page shows it (DISPLAY px), as the session's one PNG
        file, whose text chunks say it is generated by s2fgan and how it was made."""
        details = {"source": session.source, "model_resolution": self.pipe.resolution}
        if session.swaps:
            details["swaps"] = [
                {"donor": s.source, "regions": s.regions, "parts": list(s.parts)}
                for s in session.swaps
            ]
        return self.downloads.write(
            session.key, lambda path: session.face.save(path, size=DISPLAY, **details)
        )

    def forget(self, session) -> None:
        """A session's state outlived its time to live: its download file goes (its faces go
        with gradio's reference to it). The session itself is left whole: a request that
        started just before may still be using it, and its answer keeps the session alive."""
        if isinstance(session, Session):
            self.downloads.forget(session.key)

    def sliders(self, session: Session) -> list[float]:
        strengths = session.face.attributes[0]
        return [_shown(strengths[name]) for name in ATTRIBUTES]

    def _rendered(self, session: Session, show_mask: bool, show_sketch: bool):
        return (
            self.view(session, show_mask, show_sketch),
            session,
            self.download(session),
            *self.sliders(session),
        )

    # ---- sketch panel

    def _start(self, face: FaceOutput, sketch: Image.Image, source: str, session, keep: bool):
        """The session's new face; `keep` replays its swaps and slider edits on it (live
        drawing: the same portrait, one stroke further), else they start afresh."""
        session = Session() if session is None else session
        base = face
        if keep:
            for s in session.swaps:
                base = self._swap(base, s.donor, s.regions, s.parts)
        else:
            session.swaps, session.edits = [], {}
        session.base = base
        session.face = self._edit(base, session.edits)
        session.sketch, session.source = sketch, source
        return session

    def _generate(self, make_sketch, source, session, show_mask, show_sketch, style, keep=False):
        """make_sketch() -> sketch -> portrait (in colour style `style`, blank: the sketch's own
        colours); a new face for the session. Returns the sketch and the rendered outputs."""
        with _said_to_the_user():
            style = _style_box(style)
            sketch = make_sketch()
            face = self._encode_sketch(sketch, style)
            # the overlay and the small view show the sketch as the encoder received it
            # (normalised and framed), which is what the portrait's layout follows
            received = face.sketches[0] if face.sketches else sketch
            session = self._start(face, received, source, session, keep)
        session.style = style
        return sketch, self._rendered(session, show_mask, show_sketch)

    def received_sketch(self, session: Session | None) -> Image.Image | None:
        """The sketch of the session's face as the model received it (None: no face yet)."""
        return None if session is None else session.sketch

    def from_canvas(self, canvas, session, show_mask=False, show_sketch=False, style=None):
        """Draw tab: the canvas drawing (the drawing pad's PNG data URL) -> portrait."""
        longest = work_side(self.pipe.resolution)
        _, rendered = self._generate(
            lambda: read_canvas(canvas, longest), "canvas", session, show_mask, show_sketch, style
        )
        return rendered

    def live(self, canvas, on, session, show_mask=False, show_sketch=False, style=None):
        """A stroke ended with "live" on: the portrait follows the canvas, keeping the slider
        edits and swaps. An empty canvas (cleared, or every stroke undone) changes nothing,
        silently; a canvas that cannot be used (unreadable, too large, all ink) says why."""
        if not on or canvas is None or canvas == "":
            return _no_change()
        try:
            _, rendered = self._generate(
                lambda: read_canvas(canvas, work_side(self.pipe.resolution)),
                "live canvas",
                session,
                show_mask,
                show_sketch,
                style,
                keep=True,
            )
        except gr.Error as error:
            if NO_STROKES in str(error):
                return _no_change()
            raise
        return rendered

    def from_example(self, index, session, show_mask=False, show_sketch=False, style=None):
        """An example sketch clicked: it goes onto the Draw canvas (so sketch and portrait
        agree, and the user can draw on from it) and becomes the portrait."""
        paths = example_paths()
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(paths):
            raise user_error(f"No example {index!r}: there are {len(paths)}.")
        path = paths[index]
        _, rendered = self._generate(
            lambda: read_upload(path, "example"),
            f"example {Path(path).name}",
            session,
            show_mask,
            show_sketch,
            style,
        )
        return (data_url(path), *rendered)

    def from_sketch_file(self, path, session, show_mask=False, show_sketch=False, style=None):
        """Upload tab: a sketch file -> portrait."""
        longest = work_side(self.pipe.resolution)
        _, rendered = self._generate(
            lambda: read_upload(path, "sketch", longest),
            "sketch upload",
            session,
            show_mask,
            show_sketch,
            style,
        )
        return rendered

    def from_photo_file(self, path, session, show_mask=False, show_sketch=False, style=None):
        """Photo tab: a photo -> its line drawing (shown) -> portrait."""
        try:
            sketch, rendered = self._generate(
                lambda: photo_to_sketch(read_upload(path, "photo", PHOTO_SIDE)),
                "photo upload",
                session,
                show_mask,
                show_sketch,
                style,
            )
        except gr.Error as error:
            if NO_STROKES in str(error):  # the line drawing is blank, not a drawing of the user
                raise user_error(FLAT_PHOTO) from None
            raise
        return (sketch, *rendered)

    # ---- colours

    def restyle(self, style, session, show_mask=False, show_sketch=False):
        """The face in the colours of style `style` (every region repainted, layout and slider
        edits kept; no re-encoding)."""
        _require_portrait(session)
        self._repaint(session, style)
        return self._rendered(session, show_mask, show_sketch)

    def new_colours(self, session, show_mask=False, show_sketch=False, tries: int = 8):
        """The "New colours" button: draw a colour style and repaint the face with it, in one
        event (the style for its box, then what `restyle` returns). A style whose repaint looks
        exactly like the face shown is drawn again (up to `tries` styles): styles share a
        StyleBank's portraits (style s is portrait s % size), and a face whose visible regions
        already wear that style's colours (e.g. all taken from a random donor, which is a bank
        portrait) would not change."""
        _require_portrait(session)
        before = np.asarray(session.face.images[0])
        for _ in range(tries):
            style = self.roll()
            self._repaint(session, style)
            if not np.array_equal(np.asarray(session.face.images[0]), before):
                break
        return (style, *self._rendered(session, show_mask, show_sketch))

    def _repaint(self, session: Session, style) -> None:
        """Set the session's face to its code in the colours of style `style`."""
        with _said_to_the_user():
            style = parse_seed(style, "colour style")
            session.base = self._restyle(session.base, style)
            session.face = self._edit(session.base, session.edits)
        session.style = style

    # ---- attribute sliders

    def edit(self, session, show_mask, show_sketch, *values):
        """The /edit API: re-render from the cached code with all 12 strengths (each a
        number; out-of-range ones are clamped to [-4, 4], as the sliders clamp them)."""
        _require_portrait(session)
        if len(values) != len(ATTRIBUTES):
            raise user_error(
                f"Give all {len(ATTRIBUTES)} slider strengths ({', '.join(ATTRIBUTES)}); "
                f"got {len(values)}."
            )
        with _said_to_the_user():
            strengths = [parse_strength(v, n) for n, v in zip(ATTRIBUTES, values, strict=True)]
        self._apply(session, strengths)
        return self.view(session, show_mask, show_sketch), session, self.download(session)

    def slide(self, name: str, blank_resets: bool, session, show_mask, show_sketch, *values):
        """Slider `name` moved in the browser (dragged, typed into, arrow keys, or its own
        reset button, which sends a blank). A blank `name` goes back to the face's own
        strength when `blank_resets` (a release), and is ignored while it is being typed
        (an input). Returns the picture, the session, the download and `name`'s value, which
        is only sent back when the box shows something else (a clamped or reset value)."""
        _require_portrait(session)
        i = ATTRIBUTES.index(name)
        if values[i] is None and not blank_resets:
            return (gr.skip(),) * 4
        own = [_shown(session.base.attributes[0][n]) for n in ATTRIBUTES]
        current = [session.edits.get(n, o) for n, o in zip(ATTRIBUTES, own, strict=True)]
        with _said_to_the_user():
            strengths = [
                c if v is None else parse_strength(v, n)
                for n, v, c in zip(ATTRIBUTES, values, current, strict=True)
            ]
        if values[i] is None:
            strengths[i] = own[i]
        box = gr.skip() if strengths[i] == values[i] else strengths[i]
        if strengths == current:
            return gr.skip(), gr.skip(), gr.skip(), box
        self._apply(session, strengths)
        return self.view(session, show_mask, show_sketch), session, self.download(session), box

    def _apply(self, session: Session, strengths: list[float]) -> None:
        """The shown face: the base with these 12 strengths. Only sliders moved off the face's
        own strength are applied: an untouched slider shows a rounded value and must not
        nudge the code."""
        own = session.base.attributes[0]
        session.edits = {
            name: v
            for name, v in zip(ATTRIBUTES, strengths, strict=True)
            if abs(v - _shown(own[name])) > 1e-6
        }
        with _said_to_the_user():
            session.face = self._edit(session.base, session.edits)

    def reset(self, session, show_mask=False, show_sketch=False):
        """Sliders back to the face's own strengths."""
        _require_portrait(session)
        session.edits, session.face = {}, session.base
        return self._rendered(session, show_mask, show_sketch)

    # ---- region swap

    def roll(self) -> int:
        """The dice: a new random number, for a donor's seed or a colour style."""
        return random.randint(0, MAX_SEED)

    def donor_from_seed(self, seed, session):
        with _said_to_the_user():
            seed = parse_seed(seed, "donor seed")
            donor = self._random(seed)
        return self._set_donor(donor, f"random seed {seed}", session, seed)

    def donor_from_sketch(self, path, session, box=None):
        """A donor sketch uploaded; `box` is what the donor seed box holds then."""
        with _said_to_the_user():
            sketch = read_upload(path, "donor sketch", work_side(self.pipe.resolution))
            donor = self._encode_sketch(sketch)
        return self._set_donor(donor, "sketch upload", session, _box_seed(box))

    def donor_from_photo(self, path, session, box=None):
        """A donor photo uploaded; `box` is what the donor seed box holds then."""
        with _said_to_the_user():
            donor = self._encode_photo(read_upload(path, "donor photo", PHOTO_SIDE))
        return self._set_donor(donor, "photo upload", session, _box_seed(box))

    def _set_donor(self, donor: FaceOutput, source: str, session: Session | None, box):
        session = Session() if session is None else session
        session.donor, session.donor_source, session.donor_box = donor, source, box
        return compose(donor.images[0]), session

    def swap_from_page(self, session, regions, parts, show_mask=False, show_sketch=False, box=None):
        """The Swap button: as `swap`, but when the donor seed box holds another seed than it
        did when the donor was chosen (typed without Enter), that seed's face is the donor.
        Returns the donor's picture (or no change) after what `swap` returns."""
        _require_portrait(session)
        _swap_choice(regions, parts)  # refused before the donor changes
        view = gr.skip()
        if session.donor is None or _box_seed(box) != session.donor_box:
            view, session = self.donor_from_seed(box, session)
        return (*self.swap(session, regions, parts, show_mask, show_sketch), view)

    def swap(self, session, regions, parts, show_mask=False, show_sketch=False):
        """Take the chosen regions from the donor, keep the slider edits."""
        _require_portrait(session)
        if session.donor is None:
            raise user_error('Choose a donor first: press "New random donor" or upload a donor.')
        regions, parts = _swap_choice(regions, parts)
        swap = Swap(session.donor, session.donor_source, regions, parts)
        with _said_to_the_user():
            session.base = self._swap(session.base, swap.donor, swap.regions, swap.parts)
            session.face = self._edit(session.base, session.edits)
        session.swaps.append(swap)
        return self._rendered(session, show_mask, show_sketch)
