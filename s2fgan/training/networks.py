"""The networks one training run builds, and how a run starts from a saved pipeline."""

from __future__ import annotations

import logging
from pathlib import Path

import torch

from s2fgan.constants import NUM_ATTRIBUTES
from s2fgan.models.attribute_mapper import AttributeMapper
from s2fgan.models.discriminators import DualBranchDiscriminator, LatentDomainDiscriminator
from s2fgan.models.encoders import ImageEncoder, SketchEncoder
from s2fgan.models.mapping import MappingNetwork
from s2fgan.models.region_generator import RegionGenerator
from s2fgan.pipelines.sketch_to_face import SketchToFacePipeline
from s2fgan.training.config import TrainConfig

logger = logging.getLogger(__name__)

# the networks a SketchToFacePipeline is made of; Networks holds them under the same names
PIPELINE_COMPONENTS = tuple(SketchToFacePipeline.component_classes())

# the networks with parameters that the generator side's optimiser trains, in the order
# Accelerate prepares them (a checkpoint stores them by this position); the attribute
# mapper has none (its directions are fixed buffers) and is not prepared
GENERATOR_SIDE = ("generator", "mapping", "sketch_encoder", "image_encoder", "latent_discriminator")


class Networks(torch.nn.Module):
    """Every network of a run, built in a fixed order so that a seed fixes their weights."""

    def __init__(self, config: TrainConfig) -> None:
        super().__init__()
        g = dict(config.generator)
        self.generator = RegionGenerator(**g)
        w_dim = self.generator.config.w_dim
        self.mapping = MappingNetwork(w_dim=w_dim, z_dim=w_dim)
        enc = dict(resolution=config.resolution, w_dim=w_dim, **config.encoder)
        self.sketch_encoder = SketchEncoder(**enc)
        self.image_encoder = ImageEncoder(**enc)
        self.attribute_mapper = AttributeMapper(w_dim=w_dim)
        self.latent_discriminator = LatentDomainDiscriminator(w_dim=w_dim)
        d = dict(num_attributes=NUM_ATTRIBUTES if config.w_edit_class > 0 else 0)
        self.discriminator = DualBranchDiscriminator(
            resolution=config.resolution, **{**d, **config.discriminator}
        )


class Renderer(torch.nn.Module):
    """A RegionGenerator whose forward returns plain tensors (image, segmentation, masks):
    Accelerate's mixed precision casts a prepared module's outputs back to float32, and
    rebuilds a mapping output by keywords that RegionGeneratorOutput does not take.

    It renders the codes in calls of at most `chunk` (0: one call): on a CPU the generator's
    activations of 32 faces outgrow the caches, and a face costs about twice what it costs in
    calls of 8. The calls stay inside one forward, so DDP sees one.
    """

    def __init__(self, generator: RegionGenerator, chunk: int = 0) -> None:
        super().__init__()
        self.generator, self.chunk = generator, chunk

    def forward(self, ws: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        parts = ws.split(self.chunk) if 0 < self.chunk < len(ws) else [ws]
        outs = [self.generator(part) for part in parts]
        if len(outs) == 1:
            return outs[0].image, outs[0].segmentation, outs[0].masks
        return (
            torch.cat([o.image for o in outs]),
            torch.cat([o.segmentation for o in outs]),
            torch.cat([o.masks for o in outs]),
        )


class Classifier(torch.nn.Module):
    """A DualBranchDiscriminator whose forward is its `classify` (realism and attribute
    logits): DistributedDataParallel syncs gradients only through a module's forward."""

    def __init__(self, discriminator: DualBranchDiscriminator) -> None:
        super().__init__()
        self.discriminator = discriminator

    def forward(
        self, image: torch.Tensor, segmentation: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        return self.discriminator.classify(image, segmentation)


def start_from_pipeline(nets: Networks, folder: Path) -> None:
    """Replace the generator-side networks by those of a saved SketchToFacePipeline folder or
    a run's OUT/final (their own configs win over TrainConfig's overrides), and the image
    discriminator by the folder's `discriminator` when it has one; else it starts fresh."""
    if not (folder / "generator" / "config.json").exists():
        raise FileNotFoundError(f"init_from: {folder} has no generator/config.json")
    for name in PIPELINE_COMPONENTS:
        cls = type(getattr(nets, name))
        setattr(nets, name, cls.from_pretrained(folder / name).train())
    nets.latent_discriminator = LatentDomainDiscriminator(w_dim=nets.generator.config.w_dim)
    if (folder / "discriminator" / "config.json").exists():  # a run's OUT/final has it
        nets.discriminator = DualBranchDiscriminator.from_pretrained(folder / "discriminator")
        nets.discriminator.train()
    logger.info("generator side initialised from %s", folder)
