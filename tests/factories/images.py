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


def png_bomb() -> bytes:
    """9000 x 9000 one-bit pixels: a few kB on disk, 81 megapixels decoded."""
    out = io.BytesIO()
    Image.new("1", (9000, 9000), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")
