"""Image files for upload tests: a JPEG carrying GPS EXIF and XMP, a
decompression bomb, and an UploadedFile around any bytes."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b"<rdf:Description/></rdf:RDF></x:xmpmeta>"
)


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    """Camera make, an orientation that rotates 90°, GPS coordinates, XMP."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (52.0, 31.0, 12.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (13.0, 24.0, 36.0),
    }
    out = io.BytesIO()
    Image.new("RGB", size, (180, 90, 120)).save(
        out, format="JPEG", exif=exif.tobytes(), xmp=XMP
    )
    return out.getvalue()


COMMENT_MARKER = b"SECRET-COMMENT-4711 Hotel Adlon room 512"


def jpeg_with_comment() -> bytes:
    """A JPEG whose COM segment (and an APP13 Photoshop/IPTC-style block) names a
    place: re-encoding must drop both, not only EXIF and XMP."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 120, 180)).save(
        out,
        format="JPEG",
        comment=COMMENT_MARKER,
        extra=_app_segment(0xED, b"Photoshop 3.0\x00" + COMMENT_MARKER),
    )
    return out.getvalue()


def _app_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def png_sized(width: int, height: int) -> bytes:
    """A one-bit PNG of any dimensions: a few kB on disk however many pixels."""
    out = io.BytesIO()
    Image.new("1", (width, height), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


def png_bomb() -> bytes:
    """9000 x 9000 one-bit pixels: a few kB on disk, 81 megapixels decoded."""
    out = io.BytesIO()
    Image.new("1", (9000, 9000), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")
