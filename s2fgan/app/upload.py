"""An image upload component that hands the handler the uploaded file, unopened.

gr.Image opens every upload with PIL before any handler runs, so a damaged or non-image file
would end in its own message (or a bare "Error"), unlike the same file given any other way.
This subclass passes the file path through untouched: the handlers read it with s2fgan's own
checks (`images.read_upload`), which give the one size cap and the one message for a file
that cannot be read.
"""

from __future__ import annotations

import gradio as gr


class ImageUpload(gr.Image):
    """Build it with `image_upload(...)`. No __init__ here: gradio reads a component's
    frontend props from its __init__ signature, which must stay gr.Image's."""

    is_template = True  # drawn by gr.Image's own frontend (and example thumbnails)

    def preprocess(self, payload):
        return None if payload is None else payload.path


def image_upload(label: str, **kwargs) -> ImageUpload:
    """An upload area that hands the handler the file path."""
    kwargs.setdefault("sources", ["upload", "clipboard"])
    return ImageUpload(label=label, type="filepath", image_mode=None, **kwargs)
