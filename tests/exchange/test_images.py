"""Report photos: type by magic bytes, bombs refused, every byte of metadata gone."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image, PngImagePlugin

from fansipan.errors import ValidationError
from fansipan.exchange.images import PhotoType, clean_image, sniff_type

GPS = ExifTags.IFD.GPSInfo


def _photo(size: tuple[int, int] = (64, 48)) -> Image.Image:
    image = Image.new("RGB", size, (200, 30, 30))
    for x in range(size[0] // 2):
        for y in range(size[1]):
            image.putpixel((x, y), (20, 120, 220))  # left half blue, right half red
    return image


def _exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Fansipan Phone"
    exif[ExifTags.Base.Artist] = "Nguyễn Văn A"
    gps = exif.get_ifd(GPS)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (22.0, 20.0, 11.0)  # Sa Pa
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (103.0, 50.0, 38.0)
    return exif


XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
       b'22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
       b'dc:creator="Nguyen Van A"/></rdf:RDF></x:xmpmeta>')


def _jpeg_segments(data: bytes) -> list[int]:
    """The marker bytes of a JPEG's header segments, up to the start of scan."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [], 2
    while True:
        assert data[at] == 0xFF
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: compressed data follows
            return markers
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        at += 2 + length


def _png_chunks(data: bytes) -> list[bytes]:
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        chunks.append(data[at + 4:at + 8])
        at += 12 + length
    return chunks


def _riff_chunks(data: bytes) -> list[bytes]:
    chunks, at = [], 12
    while at < len(data):
        name = data[at:at + 4]
        (length,) = struct.unpack("<I", data[at + 4:at + 8])
        chunks.append(name)
        at += 8 + length + (length & 1)
    return chunks


def test_a_jpeg_with_gps_exif_xmp_and_a_comment_comes_out_bare() -> None:
    buffer = io.BytesIO()
    _photo().save(buffer, "JPEG", exif=_exif_with_gps(), xmp=XMP, comment=b"Nguyen Van A")
    original = buffer.getvalue()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS)[ExifTags.GPS.GPSLatitude] == (22.0, 20.0, 11.0)
    assert b"Exif" in original and b"xmpmeta" in original and b"Nguyen Van A" in original

    clean = clean_image(original)

    assert clean.type is PhotoType.JPEG and clean.media_type == "image/jpeg"
    assert (clean.width, clean.height) == (64, 48)
    assert clean.sha256 == hashlib.sha256(clean.data).hexdigest()
    markers = _jpeg_segments(clean.data)
    assert not [m for m in markers if 0xE1 <= m <= 0xEF or m == 0xFE], [hex(m) for m in markers]
    for needle in (b"Exif", b"xmpmeta", b"Nguyen Van A", b"Fansipan Phone", b"ICC_PROFILE"):
        assert needle not in clean.data
    with Image.open(io.BytesIO(clean.data)) as after:
        assert dict(after.getexif()) == {}
        assert after.getexif().get_ifd(GPS) == {}
        assert "exif" not in after.info and "comment" not in after.info
        # The picture itself survived: blue on the left, red on the right.
        rgb = after.convert("RGB")
        left, right = rgb.getpixel((5, 20)), rgb.getpixel((58, 20))
        assert isinstance(left, tuple) and isinstance(right, tuple)
        assert left[2] > 180 and left[0] < 60
        assert right[0] > 170 and right[2] < 70


def test_the_exif_orientation_is_applied_before_it_is_dropped() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: rotate 90° clockwise
    buffer = io.BytesIO()
    _photo((64, 48)).save(buffer, "JPEG", exif=exif)
    clean = clean_image(buffer.getvalue())
    assert (clean.width, clean.height) == (48, 64)
    with Image.open(io.BytesIO(clean.data)) as after:
        assert ExifTags.Base.Orientation not in after.getexif()


def test_a_png_loses_its_text_and_exif_chunks() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Nguyen Van A")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buffer = io.BytesIO()
    _photo().save(buffer, "PNG", pnginfo=info, exif=_exif_with_gps())
    original = buffer.getvalue()
    assert {b"tEXt", b"iTXt", b"eXIf"} <= set(_png_chunks(original))

    clean = clean_image(original)

    assert clean.type is PhotoType.PNG
    assert set(_png_chunks(clean.data)) == {b"IHDR", b"IDAT", b"IEND"}


def test_a_png_with_transparency_keeps_it() -> None:
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    image.putpixel((1, 1), (255, 0, 0, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    with Image.open(io.BytesIO(clean_image(buffer.getvalue()).data)) as after:
        assert after.mode == "RGBA"
        assert after.getpixel((0, 0)) == (0, 0, 0, 0)
        assert after.getpixel((1, 1)) == (255, 0, 0, 255)


def test_a_webp_loses_its_exif_and_xmp() -> None:
    buffer = io.BytesIO()
    _photo().save(buffer, "WEBP", exif=_exif_with_gps(), xmp=XMP)
    original = buffer.getvalue()
    assert {b"EXIF", b"XMP "} <= set(_riff_chunks(original))

    clean = clean_image(original)

    assert clean.type is PhotoType.WEBP
    assert not {b"EXIF", b"XMP ", b"ICCP"} & set(_riff_chunks(clean.data))
    assert b"Nguyen Van A" not in clean.data


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xd8\xff\xe0rest", PhotoType.JPEG),
        (b"\x89PNG\r\n\x1a\nrest", PhotoType.PNG),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", PhotoType.WEBP),
        (b"GIF89a....", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),  # a sound file is RIFF too
        (b"\x00\x00\x00\x18ftypheic", None),  # HEIC from an iPhone
    ],
)
def test_the_type_comes_from_the_magic_bytes(data: bytes, expected: PhotoType | None) -> None:
    assert sniff_type(data) is expected


def _refusal(data: bytes, **limits: int) -> str:
    with pytest.raises(ValidationError) as caught:
        clean_image(data, **limits)
    (error,) = caught.value.errors
    assert error.field == "media"
    return error.message


def test_other_types_empty_files_and_oversized_files_are_refused() -> None:
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    assert "JPEG, PNG" in _refusal(gif.getvalue())
    assert "rỗng" in _refusal(b"")
    jpeg = io.BytesIO()
    _photo().save(jpeg, "JPEG")
    message = _refusal(jpeg.getvalue(), max_bytes=100)
    assert "tối đa 0,0 MB" in message and "at most 0.0 MB" in message
    assert clean_image(jpeg.getvalue(), max_bytes=len(jpeg.getvalue())).width == 64


def test_damaged_and_disguised_files_are_refused() -> None:
    jpeg = io.BytesIO()
    _photo((200, 200)).save(jpeg, "JPEG")
    assert "cannot be decoded" in _refusal(jpeg.getvalue()[:400])  # cut off mid-scan
    png = io.BytesIO()
    _photo().save(png, "PNG")
    # PNG magic in front of a JPEG: the PNG decoder alone may read it, and it cannot.
    assert "cannot be decoded" in _refusal(b"\x89PNG\r\n\x1a\n" + jpeg.getvalue())


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    idat = zlib.compress(b"\x00" * 1024)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("side", [7_000, 12_000, 50_000])
def test_a_decompression_bomb_is_refused_before_decoding(side: int) -> None:
    # A few hundred bytes claiming 49, 144 and 2,500 megapixels: over our limit, over
    # Pillow's warning threshold, and over its hard one.
    bomb = _png_header_only(side, side)
    assert len(bomb) < 200
    message = _refusal(bomb)
    assert "pixels" in message or "decompression bomb" in message


def test_the_pixel_limit_is_ours_to_set() -> None:
    png = io.BytesIO()
    _photo((120, 100)).save(png, "PNG")
    assert "at most 10,000 pixels" in _refusal(png.getvalue(), max_pixels=10_000)
    assert clean_image(png.getvalue(), max_pixels=12_000).height == 100
