"""`s2fgan generate | edit | swap`: argument wiring only, heavy imports inside."""

from __future__ import annotations

import argparse
from pathlib import Path

from s2fgan.errors import UserError
from s2fgan.pipelines.loading import DEFAULT_MODEL, resolve_model

# The command run from a source checkout uses the default repo's files there (no Hub, no
# cache); an installed wheel has no such folder and loads DEFAULT_MODEL. The command line
# passes it: the library's loaders take only what they are given.
CHECKOUT_MODEL = Path(__file__).resolve().parents[2] / "weights_card" / "s2fgan-synth-128"


def _parse_attributes(pairs: list[str]) -> dict[str, float]:
    out = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        try:
            out[name] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise UserError(f"--attr takes NAME=STRENGTH (e.g. Smiling=2), got {pair!r}")
    return out


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pipeline",
        help=f"pipeline folder or Hub repo id (default: $S2FGAN_MODEL, else {DEFAULT_MODEL}: "
        "its copy in weights_card/ in a source checkout, else the Hugging Face cache or Hub)",
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="PNG file to write (missing folders are created)"
    )
    parser.add_argument("--mask-out", type=Path, help="also write the region map (PNG)")
    parser.add_argument("--code-out", type=Path, help="also save the code (for `edit`)")
    parser.add_argument("--attr", action="append", metavar="NAME=STRENGTH", default=[])
    parser.add_argument(
        "--style",
        type=int,
        help="colour style: repaint the face in style N of the pipeline's StyleBank",
    )


def _source(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--sketch", type=Path, help="sketch image (dark strokes on white)")
    group.add_argument("--photo", type=Path, help="photo to encode")
    group.add_argument("--code", type=Path, help="a code saved with --code-out")
    group.add_argument("--seed", type=int, help="a random face (its identity seed)")


def generate_arguments(parser: argparse.ArgumentParser) -> None:
    _source(parser)
    _common(parser)


def swap_arguments(parser: argparse.ArgumentParser) -> None:
    _source(parser)
    _common(parser)
    parser.add_argument("--donor-sketch", type=Path)
    parser.add_argument("--donor-photo", type=Path)
    parser.add_argument("--donor-seed", type=int)
    parser.add_argument("--regions", required=True, help="comma-separated, e.g. hair,eyes")
    parser.add_argument("--parts", default="shape,texture", help="shape, texture or both")


def _load(name: str | None):
    from s2fgan.pipelines.loading import load_pipeline

    # A folder or a Hub repo id; UserError when it cannot. On the CPU in float32, so that a
    # command writes the same file on every machine.
    return load_pipeline(resolve_model(name, bundled=CHECKOUT_MODEL), device="cpu")


def _face(pipe, sketch=None, photo=None, code=None, seed=None):
    try:
        if sketch is not None:
            return pipe(sketch=str(sketch))
        if photo is not None:
            return pipe.from_photo(str(photo))
        if code is not None:
            return pipe.synthesize(_load_code(code))
        return pipe.random_face(seed)
    except (FileNotFoundError, ValueError) as error:
        raise UserError(str(error)) from None


def _load_code(path: Path):
    from safetensors.torch import load_file

    if not Path(path).is_file():
        raise UserError(f"no code file {path}")
    try:
        return load_file(str(path))["ws"]
    except Exception as error:  # safetensors raises its own error type for a bad file
        raise UserError(f"{path} is not a code saved with --code-out ({error})") from None


def _write(args, face, **details) -> int:
    from safetensors.torch import save_file

    if args.out.suffix.lower() != ".png":
        raise UserError(f"--out must be a .png file, got {str(args.out)!r}")
    face.save(args.out, **details)
    if args.mask_out:
        args.mask_out.parent.mkdir(parents=True, exist_ok=True)
        face.masks[0].save(args.mask_out)
    if args.code_out:
        args.code_out.parent.mkdir(parents=True, exist_ok=True)
        save_file({"ws": face.ws[:1].contiguous().cpu()}, str(args.code_out))
    print(f"wrote {args.out}")
    return 0


def _restyle(pipe, face, style: int | None):
    if style is None:
        return face
    try:
        return pipe.restyle(face, style)
    except ValueError as error:
        raise UserError(str(error)) from None


def run_generate(args: argparse.Namespace) -> int:
    pipe = _load(args.pipeline)
    face = _face(pipe, args.sketch, args.photo, args.code, args.seed)
    face = _restyle(pipe, face, args.style)
    attributes = _parse_attributes(args.attr)
    if attributes:
        try:
            face = pipe.edit(face, attributes)
        except ValueError as error:
            raise UserError(str(error)) from None
    source = next(str(v) for v in (args.sketch, args.photo, args.code, args.seed) if v is not None)
    return _write(args, face, source=source)


def run_edit(args: argparse.Namespace) -> int:
    if not args.attr:
        raise UserError("edit needs at least one --attr NAME=STRENGTH")
    return run_generate(args)


def run_swap(args: argparse.Namespace) -> int:
    donors = [args.donor_sketch, args.donor_photo, args.donor_seed]
    if sum(d is not None for d in donors) != 1:
        raise UserError("give exactly one donor: --donor-sketch, --donor-photo or --donor-seed")
    pipe = _load(args.pipeline)
    face = _restyle(pipe, _face(pipe, args.sketch, args.photo, args.code, args.seed), args.style)
    donor = _face(pipe, args.donor_sketch, args.donor_photo, None, args.donor_seed)
    regions = [r.strip() for r in args.regions.split(",") if r.strip()]
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    try:
        face = pipe.swap_regions(face, donor, regions, parts)
        attributes = _parse_attributes(args.attr)
        if attributes:
            face = pipe.edit(face, attributes)
    except ValueError as error:
        raise UserError(str(error)) from None
    return _write(args, face, regions=regions, parts=parts)
