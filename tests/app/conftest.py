"""The tiny untrained pipeline (with a StyleBank, so the colour controls show) saved to disk
and loaded the way the app loads models."""

import pytest


@pytest.fixture(scope="session")
def tiny_pipeline_dir(tiny_styled_pipeline, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny_pipe")
    tiny_styled_pipeline.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def app_pipeline(tiny_pipeline_dir):
    from s2fgan.app import load_pipeline

    return load_pipeline(str(tiny_pipeline_dir), device="cpu")
