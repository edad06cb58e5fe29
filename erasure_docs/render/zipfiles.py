"""Deterministic zip files: the Word templates (templates_build.py) and every rendered Word file."""

from __future__ import annotations

import io
import struct
import zipfile

FIXED_TIMESTAMP = (2024, 1, 1, 0, 0, 0)


def normalise_zip(data: bytes) -> bytes:
    """The same bytes for the same content: every member's timestamp fixed and its permissions 0600.

    Patched in place in the local and central headers, so nothing is decompressed or compressed again
    (this runs for every Word document, and re-zipping cost a fifth of a document's render time)."""
    buffer = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members, central = archive.infolist(), archive.start_dir  # type: ignore[attr-defined]
    year, month, day, hour, minute, second = FIXED_TIMESTAMP
    dos_time, dos_date = (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day
    for member in members:
        if buffer[member.header_offset:member.header_offset + 4] != b"PK\x03\x04":
            raise ValueError("not a zip local header")
        struct.pack_into("<HH", buffer, member.header_offset + 10, dos_time, dos_date)
    position = central
    for _ in members:
        if buffer[position:position + 4] != b"PK\x01\x02":
            raise ValueError("not a zip central directory entry")
        struct.pack_into("<HH", buffer, position + 12, dos_time, dos_date)
        struct.pack_into("<I", buffer, position + 38, 0o600 << 16)
        name, extra, comment = struct.unpack_from("<HHH", buffer, position + 28)
        position += 46 + name + extra + comment
    return bytes(buffer)
