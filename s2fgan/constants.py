"""Names shared by every part of s2fgan: the 13 semantic regions, the 12 attributes and the
regions each attribute lives in, and the seed ranges of the synthetic splits.

Regions follow SemanticStyleGAN's merge of CelebAMask-HQ's 19 part labels; attributes are
the 12 CelebA attributes that S2FGAN edits. This module is the bottom layer: it imports
nothing, so every subpackage may import it (docs/architecture.md).
"""

REGIONS: tuple[str, ...] = (
    "background",
    "skin",
    "eyes",
    "brows",
    "mouth",
    "nose",
    "ears",
    "hair",
    "neck",
    "cloth",
    "eyeglasses",
    "hat",
    "earring",
)
NUM_REGIONS = len(REGIONS)
REGION_INDEX: dict[str, int] = {name: i for i, name in enumerate(REGIONS)}

ATTRIBUTES: tuple[str, ...] = (
    "Smiling",
    "Male",
    "No_Beard",
    "Eyeglasses",
    "Young",
    "Bangs",
    "Narrow_Eyes",
    "Pale_Skin",
    "Big_Lips",
    "Big_Nose",
    "Mustache",
    "Chubby",
)
NUM_ATTRIBUTES = len(ATTRIBUTES)
ATTRIBUTE_INDEX: dict[str, int] = {name: i for i, name in enumerate(ATTRIBUTES)}

# Regions whose pixels an attribute may change: the data engine keeps each attribute's
# counterfactual inside them, and the AttributeMapper keeps each direction in their slots.
ATTRIBUTE_REGIONS: dict[str, tuple[str, ...]] = {
    "Smiling": ("mouth", "skin"),
    "Male": ("skin", "brows", "hair", "neck", "background", "eyeglasses"),
    "No_Beard": ("skin",),
    "Eyeglasses": ("eyeglasses",),
    "Young": ("hair", "skin", "brows", "eyeglasses"),
    "Bangs": ("hair",),
    "Narrow_Eyes": ("eyes", "skin", "eyeglasses"),
    "Pale_Skin": ("skin", "nose", "ears", "neck", "eyeglasses"),
    "Big_Lips": ("mouth", "skin"),
    "Big_Nose": ("nose", "skin", "eyeglasses"),
    "Mustache": ("skin",),
    "Chubby": ("skin", "ears", "earring", "hair", "neck", "background", "eyeglasses"),
}
assert set(ATTRIBUTE_REGIONS) == set(ATTRIBUTES)
assert all(r in REGION_INDEX for regions in ATTRIBUTE_REGIONS.values() for r in regions)

# Seed ranges of the synthetic splits: evaluators, generators and style banks use TRAIN seeds
# only, and every figure of `s2fgan eval` is computed on HELDOUT seeds, which no training
# touches.
TRAIN_SEEDS = range(0, 1_000_000_000)
HELDOUT_SEEDS = range(1_000_000_000, 1_000_000_512)

# CelebAMask-HQ part file suffix -> our region. Parts absent here (none) would be background.
CELEBAMASK_PARTS: dict[str, str] = {
    "skin": "skin",
    "l_brow": "brows",
    "r_brow": "brows",
    "l_eye": "eyes",
    "r_eye": "eyes",
    "eye_g": "eyeglasses",
    "l_ear": "ears",
    "r_ear": "ears",
    "ear_r": "earring",
    "nose": "nose",
    "mouth": "mouth",
    "u_lip": "mouth",
    "l_lip": "mouth",
    "neck": "neck",
    "neck_l": "neck",
    "cloth": "cloth",
    "hair": "hair",
    "hat": "hat",
}

# One RGB colour per region for mask pictures (index = region id).
REGION_COLORS: tuple[tuple[int, int, int], ...] = (
    (20, 20, 28),  # background
    (230, 180, 150),  # skin
    (60, 120, 240),  # eyes
    (120, 70, 30),  # brows
    (220, 40, 60),  # mouth
    (250, 140, 30),  # nose
    (170, 90, 200),  # ears
    (110, 60, 20),  # hair
    (200, 150, 120),  # neck
    (40, 160, 90),  # cloth
    (240, 240, 60),  # eyeglasses
    (90, 200, 220),  # hat
    (250, 80, 200),  # earring
)
