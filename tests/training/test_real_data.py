"""The real-data path: `s2fgan train --data FOLDER` on CelebAMask-HQ's published layout, here
a small folder that `s2fgan data export --layout celebamask-hq` writes from the engine."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from s2fgan.cli import main
from tests.training.tiny_networks import TINY_NETWORKS

CONFIGS = Path(__file__).parents[2] / "configs"

# the GPU recipe's generator, encoders and discriminator shrunk to run on a CPU in seconds
TINY_OVERRIDE = dict(
    resolution=64,
    batch_size=2,
    workers=1,
    log_every=1,
    sample_every=2,
    checkpoint_every=2,
    mixed_precision="no",
    **TINY_NETWORKS,
)


def test_export_writes_the_celebamask_hq_layout_that_the_loader_reads(tmp_path):
    from s2fgan.data import CelebAMaskHQ, SyntheticPortraits

    root = tmp_path / "celeba"
    assert (
        main(
            [
                "data",
                "export",
                "--layout",
                "celebamask-hq",
                "--n",
                "3",
                "--seed",
                "1999",
                "--resolution",
                "64",
                "--out",
                str(root),
            ]
        )
        == 0
    )
    assert (root / "CelebAMask-HQ-mask-anno/1/02000_skin.png").exists()  # id 2000: folder 1
    lines = (root / "CelebAMask-HQ-attribute-anno.txt").read_text().splitlines()
    assert lines[0] == "3" and len(lines[1].split()) == 40 and lines[2].startswith("1999.jpg ")
    data = CelebAMaskHQ(root, resolution=64)
    truth = SyntheticPortraits(64).render([1999, 2000, 2001])
    assert data.ids == [1999, 2000, 2001]
    for i in range(3):
        item = data[i]
        assert torch.equal(item["mask"], truth.mask[i])  # every region comes back
        assert torch.equal(item["attributes"], truth.attributes[i])
        assert (item["image"] - truth.image[i]).abs().mean() < 0.03  # JPEG at quality 95


def test_train_on_a_celebamask_hq_folder_checkpoints_resumes_and_exports(tmp_path):
    from s2fgan.pipelines import SketchToFacePipeline

    root = tmp_path / "celeba"
    main(
        [
            "data",
            "export",
            "--layout",
            "celebamask-hq",
            "--n",
            "6",
            "--resolution",
            "64",
            "--out",
            str(root),
        ]
    )
    tiny = tmp_path / "tiny.json"
    run = tmp_path / "run"
    tiny.write_text(json.dumps({**TINY_OVERRIDE, "data": str(root), "out_dir": str(run)}))
    train = ["train", "--config", str(CONFIGS / "celebamask256.json"), "--config", str(tiny)]
    assert main([*train, "--steps", "2"]) == 0
    assert json.loads((run / "checkpoint/step.json").read_text())["step"] == 2
    assert json.loads((run / "config.json").read_text())["w_edit_cycle"] == 1.0  # the recipe's
    pipe_dir = tmp_path / "pipe"
    assert main([*train, "--steps", "4", "--export-pipeline", str(pipe_dir)]) == 0  # resumes
    lines = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert [x["step"] for x in lines] == [1, 2, 3, 4]
    # no counterfactual renders: the edit terms that need them are 0, the others train
    assert all(x["edit"] == 0 and x["edit_delta"] == 0 for x in lines)
    assert all(x["edit_class"] > 0 and x["cycle"] > 0 and x["d_class"] > 0 for x in lines)
    assert (run / "samples/000002.png").exists()
    pipe = SketchToFacePipeline.from_pretrained(pipe_dir)
    assert pipe.random_face(0).images[0].size == (64, 64)
