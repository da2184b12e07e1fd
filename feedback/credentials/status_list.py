"""The W3C Bitstring Status List (revocation): one bit per credential, set when it is revoked.

Bit 0 is the left-most bit of the first byte. The published list is the bitstring gzipped
and base64url-encoded (no padding) with the multibase prefix "u". The bits are built from the
credentials table each time, so the published list and the check page read the same source."""

from __future__ import annotations

import base64
import gzip

from ..models import Credential, CredentialStatusList

MULTIBASE_BASE64URL = "u"


def bits_of(status_list: CredentialStatusList | None, size: int) -> bytes:
    """The list's bitstring: the bit of every revoked credential set."""
    bits = bytearray(size // 8)
    if status_list is not None:
        revoked = Credential.objects.filter(
            status_list=status_list, revoked_at__isnull=False
        ).values_list("status_index", flat=True)
        for index in revoked:
            bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def bit_is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise IndexError("the index is outside the status list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def encode(bits: bytes) -> str:
    """gzip (with a fixed timestamp, so the same bits always give the same text), base64url,
    multibase."""
    packed = gzip.compress(bits, mtime=0)
    return MULTIBASE_BASE64URL + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    if not encoded.startswith(MULTIBASE_BASE64URL):
        raise ValueError("the list is not multibase base64url")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
