"""One painter per facial part. Each paints its layers onto the frame's canvas, back to front
within the part, and records the signed distances of its shapes in `frame.shapes` (negative
inside) for the sketch styles. The order the parts are painted in is `PARTS` in
`s2fgan.data.painter`.
"""

from __future__ import annotations

import torch

from s2fgan.constants import REGION_INDEX
from s2fgan.data import sdf
from s2fgan.data.canvas import hsv_to_rgb, palette
from s2fgan.data.painter.frame import GREY_HAIR, HAIR_COLORS, Frame

IRIS_COLORS = [
    (0.22, 0.13, 0.07),
    (0.40, 0.25, 0.12),
    (0.42, 0.45, 0.20),
    (0.25, 0.45, 0.35),
    (0.30, 0.50, 0.70),
    (0.50, 0.55, 0.62),
]


def _col(rgb: torch.Tensor) -> torch.Tensor:
    """[N, 3] -> [N, 3, 1, 1] for painting a flat colour."""
    return rgb.view(-1, 3, 1, 1)


def background(fr: Frame) -> None:
    """Two-colour value noise, a vertical gradient and fine texture."""
    c1 = hsv_to_rgb(fr.factors["bg_hue"], fr.factors["bg_saturation"], fr.factors["bg_value"])
    c2 = hsv_to_rgb(
        fr.factors["bg_hue"] + fr.factors["bg_hue_shift"],
        fr.factors["bg_saturation"] * 0.8,
        fr.factors["bg_value"] * 0.7,
    )
    t = (0.5 + 0.45 * fr.low[:, 0] + 0.25 * fr.v).clamp(0, 1).unsqueeze(1)
    bg = _col(c1) + t * (_col(c2) - _col(c1))
    bg = bg * (1 + 0.07 * fr.mid[:, 3:4] + 0.03 * fr.fine[:, 2:3])
    fr.canvas.paint(
        torch.ones_like(fr.X), bg, height=0.0, gloss=0.0, region=REGION_INDEX["background"]
    )


def hair_back(fr: Frame) -> None:
    """Hair behind the head: a cap, plus long hair for most women."""
    X, Y, f, male = fr.X, fr.Y, fr.f, fr.male
    cap = sdf.ellipse(X, Y + 0.3, 1.1 + fr.vol, 1.12 + fr.vol + (fr.ry - 1.3))
    cap = torch.maximum(cap, Y - (fr.ey + 0.02 + 0.4 * (1 - male)))
    long_bottom = 0.45 + 1.9 * f["hair_length"]
    long_hair = sdf.rounded_box(
        X,
        Y - (long_bottom - 0.3) / 2,
        1.12 + fr.vol + 0.06 * Y.clamp(0),
        (long_bottom + 0.3) / 2,
        0.35,
    )
    back_d = torch.where(male > 0, cap, sdf.smooth_union(cap, long_hair, 0.2))
    back_alpha = sdf.coverage(back_d, fr.px)
    fr.canvas.paint(
        back_alpha,
        fr.hair_col,
        height=(fr.dome * 0.7 + fr.hair_h) * sdf.smoothstep(0, 0.25, -back_d),
        gloss=0.25,
        region=REGION_INDEX["hair"],
        ink=fr.sk.contour(back_d, 0.03) + fr.sk.strands(fr.strands, back_alpha),
        part="hair_back",
    )
    fr.shapes["hair_back"] = back_d
    fr.shapes["hair_cap"] = cap


def neck(fr: Frame) -> None:
    X, Y = fr.X, fr.Y
    neck_w = 0.5 + 0.08 * fr.male + 0.06 * fr.chubby
    neck_d = sdf.rounded_box(X, Y - 2.2, neck_w, 1.6, 0.12)
    neck_shadow = 0.72 + 0.28 * sdf.smoothstep(fr.ry * 0.75, fr.ry + 0.45, Y)
    neck_col = _col(fr.skin_pale) * 0.92 * neck_shadow.unsqueeze(1)
    neck_h = (
        0.3 * torch.sqrt((1 - (X / neck_w) ** 2).clamp_min(0)) * sdf.smoothstep(0, 0.1, -neck_d)
    )
    fr.canvas.paint(
        sdf.coverage(neck_d, fr.px),
        neck_col,
        height=neck_h,
        gloss=0.08,
        region=REGION_INDEX["neck"],
        ink=fr.sk.contour(neck_d, 0.025),
        part="neck",
    )
    fr.shapes["neck"] = neck_d


def cloth(fr: Frame) -> None:
    X, Y = fr.X, fr.Y
    top = fr.ry + 0.3
    shoulders = sdf.ellipse(X, Y - (top + 1.35), 2.5, 1.4)
    # The neckline does not follow the neck width, so Male/Chubby leave the cloth alone.
    neck_cut = sdf.ellipse(X, Y - top, 0.85, 0.3 + 0.45 * fr.f["neckline"])
    cloth_d = torch.maximum(shoulders, -neck_cut)
    cloth_rgb = hsv_to_rgb(
        fr.factors["cloth_hue"], fr.factors["cloth_saturation"], fr.factors["cloth_value"]
    )
    cloth_col = _col(cloth_rgb) * (1 + 0.08 * fr.fine[:, 2:3] + 0.1 * fr.low[:, 2:3])
    cloth_h = (
        0.15 * fr.low[:, 2] + 0.3 * torch.sqrt((1 - (X / 2.5) ** 2).clamp_min(0))
    ) * sdf.smoothstep(0, 0.2, -cloth_d)
    fr.canvas.paint(
        sdf.coverage(cloth_d, fr.px),
        cloth_col,
        height=cloth_h,
        gloss=0.05,
        region=REGION_INDEX["cloth"],
        ink=fr.sk.contour(cloth_d, 0.028),
        part="cloth",
    )
    fr.shapes["cloth"] = cloth_d


def ears(fr: Frame) -> None:
    """Ears, and earrings on about a quarter of the portraits."""
    X, Y, px, n = fr.X, fr.Y, fr.px, fr.n
    ear_x, ear_y = fr.w0 + 0.03, fr.ey + 0.06
    ear_d = sdf.ellipse(X.abs() - ear_x, Y - ear_y, 0.15, 0.27)
    inner_ear = sdf.ellipse(X.abs() - ear_x - 0.01, Y - ear_y + 0.02, 0.07, 0.16)
    ear_col = _col(fr.skin_pale * torch.tensor([1.0, 0.93, 0.9])) * (
        1 - 0.18 * sdf.coverage(inner_ear, px)
    ).unsqueeze(1)
    fr.canvas.paint(
        sdf.coverage(ear_d, px),
        ear_col,
        height=0.25 * sdf.smoothstep(0, 0.12, -ear_d),
        gloss=0.1,
        region=REGION_INDEX["ears"],
        ink=fr.sk.contour(ear_d, 0.026) + 0.7 * fr.sk.contour(inner_ear, 0.018) * (X.abs() > ear_x),
        part="ears",
    )
    earring_on = (fr.f["earring"] < 0.25).float()
    ring_d = sdf.circle(X.abs() - ear_x, Y - ear_y - 0.31, 0.055)
    gold = torch.stack([torch.full((n,), 0.9), torch.full((n,), 0.72), torch.full((n,), 0.3)], 1)
    silver = torch.full((n, 3), 0.82)
    metal = torch.where(fr.factors["earring_gold"].view(n, 1) > 0.5, gold, silver)
    ring_alpha = sdf.coverage(ring_d, px) * earring_on
    fr.canvas.paint(
        ring_alpha,
        _col(metal),
        height=0.4 + 0.1 * sdf.smoothstep(0, 0.05, -ring_d),
        gloss=0.9,
        region=REGION_INDEX["earring"],
        ink=fr.sk.contour(ring_d, 0.02) * earring_on,
        part="earring",
    )
    fr.shapes["ears"] = ear_d
    fr.shapes["ears_inner"] = inner_ear
    # Where there is no earring its shape lies far outside the picture.
    fr.shapes["earring"] = torch.where(earring_on > 0, ring_d, torch.full_like(ring_d, 10.0))


def face(fr: Frame) -> None:
    """Skin with blush and texture on a dome with eye sockets and cheekbones; then what lies on
    the skin without changing its region: wrinkles, beard and mustache."""
    X, Y, f, px, on = fr.X, fr.Y, fr.f, fr.px, fr.on
    xe, ey, fx = fr.xe, fr.ey, fr.fx
    blush = torch.exp(-((X.abs() - 0.5) ** 2 + (Y - 0.3) ** 2) / 0.06) * f["skin_blush"]
    skin_col = _col(fr.skin_pale) * (1 + 0.035 * fr.fine[:, 0:1] + 0.04 * fr.low[:, 3:4])
    skin_col = skin_col * (
        1 - 0.12 * blush.unsqueeze(1) * torch.tensor([0.0, 1.0, 1.0]).view(1, 3, 1, 1)
    )
    face_h = 0.55 * torch.sqrt((1 - (X / fr.width) ** 2 - (Y / fr.ry) ** 2).clamp_min(0))
    face_h = face_h - 0.07 * torch.exp(-(xe**2 + (Y - ey) ** 2) / 0.03)
    face_h = face_h + 0.05 * torch.exp(-((X.abs() - 0.55) ** 2 + (Y - 0.25) ** 2) / 0.05)
    face_alpha = sdf.coverage(fr.face_d, px)
    fr.canvas.paint(
        face_alpha,
        skin_col,
        height=face_h,
        gloss=0.06,
        region=REGION_INDEX["skin"],
        ink=fr.sk.contour(fr.face_d, 0.034),
        part="face",
    )
    fr.shapes["face"] = fr.face_d

    old = fr.old
    wrinkle = _wrinkles(X - fx, Y, xe, ey, f, px)
    fr.canvas.paint(
        wrinkle * 0.45 * old * face_alpha,
        _col(fr.skin_pale * 0.55),
        region=None,
        ink=0.55 * wrinkle * old * face_alpha,
        occludes=False,
    )
    beard_zone = torch.maximum(
        sdf.smoothstep(fr.mouth_y - 0.28, fr.mouth_y - 0.08, Y),
        sdf.smoothstep(0.8, 0.95, X.abs() / fr.width) * sdf.smoothstep(ey + 0.05, ey + 0.3, Y),
    )
    beard_alpha = (
        (1 - on["No_Beard"]) * face_alpha * beard_zone * (0.6 + 0.4 * fr.fine[:, 1]).clamp(0, 1)
    )
    beard_col = _col(fr.hair_rgb * 0.85) * (1 + 0.25 * fr.fine[:, 3:4])
    fr.canvas.paint(
        beard_alpha * 0.92,
        beard_col,
        height=fr.core_h + 0.03 * fr.fine[:, 1],
        gloss=0.05,
        ink=0.3 * beard_alpha * (fr.fine[:, 3] > 0.2),
        occludes=False,
    )
    must_d = sdf.rounded_box(X - fx, Y - (fr.mouth_y - 0.1), fr.mw + 0.06, 0.065, 0.06)
    must_alpha = (
        on["Mustache"]
        * sdf.smoothstep(0.02, -0.02, must_d)
        * (0.7 + 0.3 * fr.fine[:, 3]).clamp(0, 1)
    )
    fr.canvas.paint(
        must_alpha * 0.95,
        _col(fr.hair_rgb * 0.8),
        height=fr.core_h + 0.03,
        gloss=0.05,
        ink=0.45 * must_alpha * (0.5 + 0.5 * torch.sin((X - fx) * 90)),
        occludes=False,
    )


def nose(fr: Frame) -> None:
    """A widening ridge with wings and nostrils; only its lower outline is drawn."""
    X, Y, px = fr.X, fr.Y, fr.px
    nose_top, nose_bottom = fr.nose_top, fr.nose_bottom
    xn = X - fr.fx * 1.4
    big_nose = fr.on["Big_Nose"]
    hw_top, hw_bottom = 0.06 + 0.02 * big_nose, 0.13 + 0.06 * big_nose
    frac = ((Y - nose_top) / (nose_bottom - nose_top)).clamp(0, 1)
    ridge = torch.maximum(
        torch.maximum(xn.abs() - (hw_top + (hw_bottom - hw_top) * frac), nose_top - Y),
        Y - nose_bottom,
    )
    wings = sdf.ellipse(xn, Y - (nose_bottom - 0.05), hw_bottom * 1.15, 0.085 + 0.02 * big_nose)
    nose_d = sdf.smooth_union(ridge, wings, 0.04)
    nostril_d = sdf.ellipse(
        xn.abs() - hw_bottom * 0.45, Y - (nose_bottom - 0.015), 0.045 + 0.01 * big_nose, 0.022
    )
    nostril = sdf.coverage(nostril_d, px)
    nose_col = _col(fr.skin_pale * torch.tensor([1.0, 0.95, 0.93])) * (
        1 - 0.6 * nostril.unsqueeze(1)
    )
    nose_h = fr.core_h + 0.22 * sdf.smoothstep(0.0, 0.1, -nose_d) * (0.4 + 0.6 * frac)
    lower_part = sdf.smoothstep(nose_top + 0.12, nose_bottom - 0.1, Y)
    fr.canvas.paint(
        sdf.coverage(nose_d, px),
        nose_col,
        height=nose_h,
        gloss=0.2,
        region=REGION_INDEX["nose"],
        ink=fr.sk.contour(nose_d, 0.022) * lower_part + 0.8 * nostril,
        part="nose",
    )
    fr.shapes["nose"] = nose_d
    fr.shapes["nostrils"] = nostril_d
    fr.shapes["nose_x"] = xn  # x from the nose's centre line
    fr.shapes["nose_half_width"] = hw_bottom


def mouth(fr: Frame) -> None:
    """Two lips around a centre line that curls up when smiling, teeth when open."""
    X, Y, px, mw, smile = fr.X, fr.Y, fr.px, fr.mw, fr.smile
    xm = X - fr.fx
    s = torch.sqrt((1 - (xm / mw) ** 2).clamp_min(0))
    big_lips = fr.on["Big_Lips"]
    centre = fr.mouth_y - smile * 1.6 * xm * xm + 0.04 * smile
    t_up = (0.042 + 0.035 * big_lips) * (0.3 + 0.7 * s)
    t_low = (0.058 + 0.05 * big_lips) * (0.3 + 0.7 * s)
    opening = smile * 0.085 * s
    mouth_d = torch.maximum(
        torch.maximum(centre - opening / 2 - t_up - Y, Y - (centre + opening / 2 + t_low)),
        xm.abs() - mw,
    )
    teeth_d = torch.maximum((Y - centre).abs() - opening / 2, xm.abs() - mw * 0.9)
    teeth = sdf.coverage(teeth_d, px) * smile
    lip_rgb = fr.skin * 0.55 + torch.tensor([0.4, 0.12, 0.14]) * (
        0.8 + 0.4 * fr.factors["lip_hue"].view(fr.n, 1)
    )
    tooth_gaps = 1 - 0.25 * sdf.stroke(torch.sin(xm * 55) / 55, 0.012, px) * smile
    teeth_rgb = torch.tensor([0.95, 0.93, 0.87]).view(1, 3, 1, 1) * tooth_gaps.unsqueeze(1)
    mouth_col = _col(lip_rgb) + teeth.unsqueeze(1) * (teeth_rgb - _col(lip_rgb))
    lip_line = sdf.stroke(Y - centre, 0.02, px) * (xm.abs() < mw).float() * (1 - smile)
    mouth_col = mouth_col * (1 - 0.55 * lip_line).unsqueeze(1)
    mouth_h = fr.core_h + 0.09 * sdf.smoothstep(0, 0.05, -mouth_d) * (1 - teeth)
    fr.canvas.paint(
        sdf.coverage(mouth_d, px),
        mouth_col,
        height=mouth_h,
        gloss=0.35,
        region=REGION_INDEX["mouth"],
        ink=fr.sk.contour(mouth_d, 0.024) + lip_line + 0.8 * fr.sk.contour(teeth_d, 0.018) * smile,
        part="mouth",
    )
    fr.shapes["mouth"] = mouth_d
    fr.shapes["mouth_line"] = Y - centre  # zero on the line between the lips
    fr.shapes["mouth_x"] = xm


def eyes(fr: Frame) -> None:
    """Almond, iris, pupil, catch-light, eyelid line."""
    X, Y, f, px, xe, fx = fr.X, fr.Y, fr.f, fr.px, fr.xe, fr.fx
    ew = f["eye_width"]
    eh = ew * (0.46 - 0.22 * fr.on["Narrow_Eyes"])
    side = torch.sign(X - fx)
    ye = Y - fr.ey + f["eye_tilt"] * xe
    almond = 1 - 0.35 * (xe / ew).clamp(-1, 1) ** 2
    eye_d = sdf.ellipse(xe, ye / almond, ew, eh) * almond
    xi = (X - fx) - side * f["eye_spacing"] - f["gaze"] * ew * 0.35
    iris_d = sdf.circle(xi, ye + 0.005, ew * 0.47)
    pupil_d = sdf.circle(xi, ye + 0.005, ew * 0.2)
    iris = sdf.coverage(iris_d, px).unsqueeze(1)
    pupil = sdf.coverage(pupil_d, px).unsqueeze(1)
    sclera = torch.tensor([0.93, 0.91, 0.88]).view(1, 3, 1, 1) * (
        1 - 0.15 * sdf.smoothstep(0.3, 1.0, (xe / ew).abs())
    ).unsqueeze(1)
    iris_rgb = _col(palette(IRIS_COLORS, fr.factors["iris_color"])) * (1 + 0.2 * fr.fine[:, 0:1])
    eye_col = sclera + iris * (iris_rgb - sclera)
    eye_col = eye_col * (1 - 0.92 * pupil)
    catch = sdf.coverage(sdf.circle(xi + 0.03, ye + 0.03, ew * 0.08), px).unsqueeze(1)
    eye_col = eye_col + catch * (0.95 - eye_col)
    lid = sdf.stroke(eye_d, 0.03 + 0.012 * (1 - fr.male), px) * (ye < 0.01 * ew).float()
    eye_alpha = sdf.coverage(eye_d, px)
    fr.canvas.paint(
        eye_alpha,
        eye_col,
        height=fr.core_h - 0.02,
        gloss=0.6,
        region=REGION_INDEX["eyes"],
        ink=fr.sk.contour(eye_d, 0.02)
        + 0.9 * iris.squeeze(1) * fr.sk.contour(iris_d, 0.018)
        + pupil.squeeze(1) * eye_alpha,
        part="eyes",
    )
    fr.canvas.paint(lid, _col(fr.hair_rgb * 0.3 + 0.03), ink=lid, occludes=False)
    fr.shapes["eyes"] = eye_d
    fr.shapes["iris"] = iris_d
    fr.shapes["pupil"] = pupil_d
    fr.shapes["eye_y"] = ye  # y from the eye line, tilted with each eye
    fr.shapes["eye_half_height"] = eh


def brows(fr: Frame) -> None:
    """Tapered arcs, thicker and lower for men."""
    X, Y, f, male, fx = fr.X, fr.Y, fr.f, fr.male, fr.fx
    bx = f["eye_spacing"] - 0.01
    by = fr.ey - f["brow_gap"] + 0.03 * male
    half_len = 0.22
    tb = ((X - fx).abs() - bx) / half_len
    brow_y = by - f["brow_arch"] * (1 - tb * tb) - 0.02 * tb
    thick = (0.03 + 0.022 * male) * (1.05 - 0.35 * tb.clamp(-1, 1))
    brow_d = torch.maximum((Y - brow_y).abs() - thick, (tb.abs() - 1) * half_len)
    brow_rgb = palette(HAIR_COLORS, fr.factors["hair_color"]) * 0.75
    brow_rgb = brow_rgb + 0.5 * fr.old.view(fr.n, 1) * (torch.tensor(GREY_HAIR) - brow_rgb)
    brow_col = _col(brow_rgb) * (1 + 0.25 * torch.sin((X - fx) * 110 + Y * 30)).unsqueeze(1)
    brow_alpha = sdf.coverage(brow_d, fr.px)
    fr.canvas.paint(
        brow_alpha,
        brow_col,
        height=fr.core_h + 0.01,
        gloss=0.05,
        region=REGION_INDEX["brows"],
        ink=fr.sk.contour(brow_d, 0.018)
        + 0.45 * brow_alpha * (0.5 + 0.5 * torch.sin((X - fx) * 90)),
        part="brows",
    )
    fr.shapes["brows"] = brow_d
    fr.shapes["brow_line"] = Y - brow_y  # zero along each brow's middle
    fr.shapes["brow_t"] = tb  # -1 .. 1 from each brow's inner to its outer end


def hair_front(fr: Frame) -> None:
    """Hair over the face: above the hairline, and a fringe with Bangs."""
    X, Y, f, male = fr.X, fr.Y, fr.f, fr.male
    hairline = (
        f["hairline"] + 0.04 * male + (0.28 + 0.2 * male) * (X - f["hair_parting"] * 0.3) ** 2
    )
    fringe = fr.ey - f["brow_gap"] - 0.13 + 0.025 * torch.sin(X * 23 + f["hair_parting"] * 9)
    bangs = fr.on["Bangs"] * sdf.smoothstep(0.98, 0.72, X.abs())
    line = hairline + bangs * (torch.maximum(fringe, hairline) - hairline)
    front_d = torch.maximum(fr.face_d - 2 * fr.px, Y - line)
    front_alpha = sdf.coverage(front_d, fr.px)
    fr.canvas.paint(
        front_alpha,
        fr.hair_col,
        height=fr.dome + fr.hair_h,
        gloss=0.25,
        region=REGION_INDEX["hair"],
        ink=fr.sk.contour(front_d, 0.028) + fr.sk.strands(fr.strands, front_alpha),
        part="hair_front",
    )
    fr.shapes["hair_front"] = front_d
    fr.shapes["hairline"] = Y - line  # zero along the hairline (or the fringe's edge)


def hat(fr: Frame) -> None:
    """A knitted beanie for about one portrait in ten."""
    X, Y, f, ry, vol = fr.X, fr.Y, fr.f, fr.ry, fr.vol
    hat_on = (f["hat"] < 0.1).float()
    hat_line = -0.88 - 0.12 * X * X + (ry - 1.3)
    hat_d = torch.maximum(
        sdf.ellipse(X, Y + 0.3, 1.17 + vol, 1.18 + vol + (ry - 1.3)), Y - (hat_line - ry + 1.3)
    )
    band = sdf.smoothstep(-0.22, -0.18, Y - (hat_line - ry + 1.3))
    knit = 1 + 0.12 * torch.sin(X * 40) * (1 - band) + 0.1 * torch.sin(Y * 70) * band
    hat_rgb = hsv_to_rgb(fr.factors["hat_hue"], torch.full((fr.n,), 0.55), torch.full((fr.n,), 0.6))
    hat_alpha = sdf.coverage(hat_d, fr.px) * hat_on
    fr.canvas.paint(
        hat_alpha,
        _col(hat_rgb) * knit.unsqueeze(1),
        height=fr.dome + 0.12,
        gloss=0.05,
        region=REGION_INDEX["hat"],
        ink=(
            fr.sk.contour(hat_d, 0.03)
            + 0.6 * fr.sk.contour(Y - (hat_line - ry + 1.1), 0.02) * hat_alpha
        )
        * hat_on,
        part="hat",
    )
    fr.shapes["hat"] = torch.where(hat_on > 0, hat_d, torch.full_like(hat_d, 10.0))


def eyeglasses(fr: Frame) -> None:
    """Rims, bridge and temples (label eyeglasses), tinted lenses."""
    X, f, px, n = fr.X, fr.f, fr.px, fr.n
    glasses_on = fr.on["Eyeglasses"]
    ew = f["eye_width"]
    xg = fr.xe
    yg = fr.Y - fr.ey + 0.01
    rim_hw, rim_hh = ew + 0.08, 0.15 + 0.03 * f["glasses_frame"]
    rim = sdf.rounded_box(xg, yg, rim_hw, rim_hh, 0.05 + 0.07 * f["glasses_frame"])
    frame_w = 0.024 + 0.024 * f["glasses_frame"]
    lens_d = rim + frame_w
    bridge = sdf.rounded_box(X - fr.fx, yg + 0.05, f["eye_spacing"] - rim_hw + 0.02, 0.016, 0.01)
    reach = (fr.w0 + 0.02 - f["eye_spacing"] - rim_hw).clamp_min(0.01)
    temple = sdf.rounded_box(xg - rim_hw - reach / 2, yg + 0.07, reach / 2, 0.026, 0.01)
    frame_d = torch.minimum(torch.maximum(rim, -lens_d), torch.minimum(bridge, temple))
    glasses_d = torch.minimum(rim, torch.minimum(bridge, temple))
    lens = sdf.coverage(lens_d, px) * glasses_on
    glint = sdf.smoothstep(0.05, 0.0, ((xg + yg * 0.8) - 0.05).abs())
    fr.canvas.paint(
        lens * (0.16 + 0.22 * glint),
        _col(torch.tensor([[0.85, 0.92, 0.98]]).expand(n, 3)),
        gloss=0.9,
        region=REGION_INDEX["eyeglasses"],
        label_alpha=sdf.coverage(glasses_d - 0.5 * px, px) * glasses_on,
        occludes=False,
    )
    frame_rgb = palette(
        [(0.05, 0.05, 0.06), (0.35, 0.2, 0.1), (0.75, 0.72, 0.68)], fr.factors["glasses_color"]
    )
    fr.canvas.paint(
        sdf.coverage(frame_d, px) * glasses_on,
        _col(frame_rgb),
        height=fr.core_h + 0.15,
        gloss=0.7,
        region=REGION_INDEX["eyeglasses"],
        ink=fr.sk.contour(frame_d, 0.018) * glasses_on,
        part="eyeglasses",
    )
    far = torch.full_like(glasses_d, 10.0)
    fr.shapes["eyeglasses"] = torch.where(glasses_on > 0, glasses_d, far)
    fr.shapes["lenses"] = torch.where(glasses_on > 0, lens_d, far)


def _wrinkles(xm, Y, xe, ey, f, px):
    """Ink [N, H, W] of forehead lines, nasolabial folds and under-eye lines."""
    forehead = torch.zeros_like(xm)
    for k in range(3):
        yk = -0.66 - 0.11 * k + 0.015 * torch.sin(xm * 6 + k)
        forehead = torch.maximum(forehead, sdf.stroke(Y - yk, 0.014, px))
    forehead = forehead * sdf.smoothstep(0.5, 0.3, xm.abs())
    folds = sdf.stroke(xm.abs() - (0.2 + 0.42 * (Y - ey - 0.38)), 0.016, px)
    folds = folds * sdf.smoothstep(ey + 0.36, ey + 0.42, Y) * sdf.smoothstep(ey + 0.78, ey + 0.7, Y)
    under_eye = sdf.stroke(sdf.ellipse(xe, Y - ey - 0.07, f["eye_width"] * 0.85, 0.06), 0.012, px)
    under_eye = under_eye * (Y > ey + 0.08).float()
    return torch.maximum(torch.maximum(forehead, folds), under_eye)
