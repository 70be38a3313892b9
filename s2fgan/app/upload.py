"""An image upload component whose unreadable files give the user a clear message.

gr.Image opens every upload with PIL before any handler runs, so a corrupt or non-image
file would end in a bare "Error". This subclass passes the file path through untouched
(the handlers read it with s2fgan's own checks) and turns a failed open into gr.Error.
"""

from __future__ import annotations

import gradio as gr

from s2fgan.app.inputs import user_error


class ImageUpload(gr.Image):
    """Build it with `image_upload(...)`. No __init__ here: gradio reads a component's
    frontend props from its __init__ signature, which must stay gr.Image's."""

    is_template = True  # drawn by gr.Image's own frontend (and example thumbnails)

    def preprocess(self, payload):
        try:
            return super().preprocess(payload)
        except Exception as error:  # PIL raises several kinds for a bad file
            name = getattr(payload, "orig_name", None) or "the file"
            raise user_error(
                f"Cannot read the uploaded image ({name}): upload a PNG, JPEG or WebP image."
            ) from error


def image_upload(label: str, **kwargs) -> ImageUpload:
    """An upload area that hands the handler the file path, in the file's own mode."""
    kwargs.setdefault("sources", ["upload", "clipboard"])
    return ImageUpload(label=label, type="filepath", image_mode=None, **kwargs)
