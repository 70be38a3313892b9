"""gr.Blocks that refuse an API call with more values than the endpoint takes.

gradio checks that a call brings enough values and drops any beyond the endpoint's inputs, so
`/edit` with 13 slider strengths used 12 of them and said nothing. Here such a call gets a
message naming how many values the endpoint takes.
"""

from __future__ import annotations

import gradio as gr

from s2fgan.app.inputs import user_error


class StrictBlocks(gr.Blocks):
    """gr.Blocks whose endpoints take exactly as many values as they have inputs."""

    def validate_inputs(self, block_fn, inputs: list) -> None:
        super().validate_inputs(block_fn, inputs)
        if len(inputs) > len(block_fn.inputs):
            # state inputs are filled by the server; a caller gives the other values
            states = sum(1 for block in block_fn.inputs if block.stateful)
            name = f"/{block_fn.api_name}" if block_fn.api_name else "this event"
            raise user_error(
                f"{name} takes {len(block_fn.inputs) - states} values, got {len(inputs) - states}."
            )
