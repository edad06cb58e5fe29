"""Pictures a template brings in (HTML/CSS images, pictures inside a Word template), measured before they are
decoded: a small compressed file can stand for an enormous picture (a 20 KB PNG of 13,000 × 13,000 pixels
takes 1.4 GB once decoded). Only the header is read (Pillow opens lazily); the pixels never are."""

from __future__ import annotations

import io
import warnings

from erasure_docs.errors import ErasureDocsError

MAX_PIXELS = 40_000_000  # 40 megapixels: a full letter page at 600 dpi is 34 megapixels
# The formats a header says it is a picture of (SVG is text and is laid out, not decoded into pixels).
SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"RIFF")


class ImageTooLarge(ErasureDocsError):
    """A picture larger than MAX_PIXELS, or one whose size cannot be read."""


def is_picture(data: bytes) -> bool:
    return data.startswith(SIGNATURES)


def check_pixels(data: bytes, name: str) -> None:
    """Refuse a picture of more than MAX_PIXELS pixels (or an unreadable one), reading its header only."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow warns of large pictures; this refuses them instead
            with Image.open(io.BytesIO(data)) as picture:
                width, height = picture.size
    except Image.DecompressionBombError:
        raise ImageTooLarge(f"{name}: the picture has more than {MAX_PIXELS:,} pixels") from None
    except Exception:  # noqa: BLE001 - any unreadable header is a refusal, not a crash
        raise ImageTooLarge(f"{name}: the picture cannot be read") from None
    if width * height > MAX_PIXELS:
        raise ImageTooLarge(f"{name}: the picture has {width} × {height} pixels, more than {MAX_PIXELS:,}")
