"""The tiny untrained pipeline (with a StyleBank, so the colour controls show) saved to disk
and loaded the way the app loads models."""

import pytest
import torch

# The untrained generator paints every face in nearly one grey (pixel values 88..109): a swap
# moved as few as 9 of its 4096 pixels by one level, a new colour style 146-279. The browser
# test waits for the shown picture to change; with the RGB layer scaled up, each action changes
# thousands of pixels. (Its failures after "New colours", in CI of stop 25 and a clean-clone
# run of stop 27, had another cause: a colour style that repainted the face exactly as it was;
# see Handlers.new_colours.)
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
