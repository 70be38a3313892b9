"""The tiny untrained pipeline (with a StyleBank, so the colour controls show) saved to disk
and loaded the way the app loads models."""

import pytest
import torch

# The untrained generator paints every face in one grey (pixel values 88..109), so a swap or
# a new colour seed moved as few as 9 of its 4096 pixels by one level, and on another CPU
# sometimes none: the browser test then waited for a portrait that never changed (CI of
# stop 25). Its RGB layer is scaled up so that every action changes thousands of pixels.
RGB_GAIN = 30.0


@pytest.fixture(scope="session")
def tiny_pipeline_dir(tiny_styled_pipeline, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny_pipe")
    tiny_styled_pipeline.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def app_pipeline(tiny_pipeline_dir):
    from s2fgan.app import load_pipeline

    pipe = load_pipeline(str(tiny_pipeline_dir), device="cpu")
    with torch.no_grad():
        pipe.generator.to_rgb.weight.mul_(RGB_GAIN)
    return pipe
