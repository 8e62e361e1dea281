"""Photos attached to field reports: checked, decoded and written again without metadata.

A phone photo carries where it was taken (EXIF GPS), the phone's make and serial, the
time, sometimes the owner's name (EXIF, XMP, comments). A report's photo is shown to
the public, so none of that may stay. `clean_image`:

1. refuses an empty file and one larger than `max_bytes`;
2. recognises the type by its first bytes — JPEG, PNG or WebP only, whatever the file
   name or the declared Content-Type says — and lets only that decoder read it;
3. reads the size from the header and refuses more than `max_pixels` before decoding
   (a decompression bomb: a few kilobytes that would expand to gigabytes); Pillow's
   own bomb guard is a second line;
4. decodes the pixels (a truncated or corrupt file is refused), turns the picture
   upright by its EXIF orientation, and keeps only the first frame of an animation;
5. copies the bare pixels into a new image and encodes that in the same format, so no
   EXIF, GPS, XMP, ICC profile, comment or text chunk can survive;
6. returns the clean bytes with their SHA-256, which names the stored file.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, ImageOps

from fansipan.errors import FieldError, ValidationError

MAX_BYTES = 10 * 1024 * 1024
#: 40 megapixels: more than any phone camera's full resolution in common use.
MAX_PIXELS = 40_000_000


class PhotoType(StrEnum):
    JPEG = "image/jpeg"
    PNG = "image/png"
    WEBP = "image/webp"

    @property
    def extension(self) -> str:
        return {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[self.value]

    @property
    def pillow_format(self) -> str:
        return {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[self.value]


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    sha256: str
    type: PhotoType
    width: int
    height: int

    @property
    def media_type(self) -> str:
        return self.type.value


def sniff_type(data: bytes) -> PhotoType | None:
    """The photo type from the file's first bytes (its "magic"), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return PhotoType.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PhotoType.PNG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return PhotoType.WEBP
    return None


def clean_image(
    data: bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    field: str = "media",
) -> CleanImage:
    """The photo without metadata, or a ValidationError naming `field` that says why not."""
    if not data:
        raise _refused(field, "tệp ảnh rỗng", "the file is empty")
    if len(data) > max_bytes:
        raise _refused(field, f"ảnh {_mb(len(data), 'vi')} MB, tối đa {_mb(max_bytes, 'vi')} MB",
                       f"the photo is {_mb(len(data), 'en')} MB; at most "
                       f"{_mb(max_bytes, 'en')} MB")
    kind = sniff_type(data)
    if kind is None:
        raise _refused(field, "chỉ nhận ảnh JPEG, PNG hoặc WebP",
                       "only JPEG, PNG and WebP photos are accepted")
    try:
        with Image.open(io.BytesIO(data), formats=[kind.pillow_format]) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise _too_many_pixels(field, width, height, max_pixels)
            image.load()
            upright = ImageOps.exif_transpose(image)
            pixels = _plain_mode(upright, kind)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refused(field, "ảnh quá lớn khi giải nén (nghi «bom giải nén»)",
                       "the photo expands to too many pixels (a decompression bomb)") from None
    except Exception:  # a decoder fed hostile bytes may fail in any way
        raise _refused(field, f"không đọc được ảnh {kind.pillow_format}: tệp hỏng hoặc thiếu",
                       f"the {kind.pillow_format} photo cannot be decoded: it is damaged "
                       "or incomplete") from None
    # A new image given only the pixels: nothing of the original's info travels with it.
    fresh = Image.new(pixels.mode, pixels.size)
    fresh.paste(pixels)
    out = io.BytesIO()
    if kind is PhotoType.JPEG:
        fresh.save(out, "JPEG", quality=90)
    elif kind is PhotoType.PNG:
        fresh.save(out, "PNG", compress_level=6)
    else:
        fresh.save(out, "WEBP", quality=90)
    clean = out.getvalue()
    return CleanImage(data=clean, sha256=hashlib.sha256(clean).hexdigest(), type=kind,
                      width=fresh.width, height=fresh.height)


def _plain_mode(image: Image.Image, kind: PhotoType) -> Image.Image:
    """The picture in a mode its format writes: L or RGB, RGBA where there is alpha."""
    mode = image.mode
    if mode.startswith("I"):
        # 16-bit grey (PNG): keep the top eight bits.
        image = image.convert("I").point(lambda v: v / 256).convert("L")
    elif mode == "F":
        image = image.convert("L")
    elif mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
    elif mode not in ("L", "RGB"):
        image = image.convert("RGB")
    if kind is PhotoType.JPEG and image.mode == "RGBA":
        image = image.convert("RGB")
    if kind is PhotoType.WEBP and image.mode == "L":
        image = image.convert("RGB")
    return image


def _too_many_pixels(field: str, width: int, height: int, limit: int) -> ValidationError:
    return _refused(
        field,
        f"ảnh {width:,}×{height:,} điểm ảnh, tối đa {limit:,} điểm ảnh".replace(",", "."),
        f"the photo is {width:,}×{height:,} pixels; at most {limit:,} pixels")


def _mb(size: int, lang: str) -> str:
    text = f"{size / (1024 * 1024):.1f}"
    return text.replace(".", ",") if lang == "vi" else text


def _refused(field: str, vi: str, en: str) -> ValidationError:
    return ValidationError("Ảnh không được chấp nhận / The photo is refused",
                           [FieldError(field=field, message=f"{vi} / {en}")])
