"""An image upload component whose unreadable files give the user a clear message.

gr.Image opens every upload with PIL before any handler runs, so a corrupt or non-image
file would end in a bare "Error". This subclass passes the file path through untouched
(the handlers read it with s2fgan's own checks) and turns a failed open into gr.Error.
"""

from __future__ import annotations

import gradio as gr


class ImageUpload(gr.Image):
    is_template = True  # drawn by gr.Image's own frontend (and example thumbnails)

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("type", "filepath")
        kwargs.setdefault("image_mode", None)  # keep the file's mode: handlers convert it
        kwargs.setdefault("sources", ["upload", "clipboard"])
        super().__init__(**kwargs)

    def preprocess(self, payload):
        try:
            return super().preprocess(payload)
        except Exception as error:  # PIL raises several kinds for a bad file
            name = getattr(payload, "orig_name", None) or "the file"
            raise gr.Error(
                f"Cannot read the uploaded image ({name}): upload a PNG, JPEG or WebP image.",
                title="Cannot do that",
            ) from error
