"""Reading the PDFs the product renders, to assert on what a reader or a screen reader gets."""

import contextlib
import re
import zlib


def inflated(pdf: bytes) -> bytes:
    """The PDF with every compressed stream (object streams included) inflated, to search.

    Each stream is decompressed from its start until zlib says it ended, rather than cut at the
    next "endstream": compressed bytes may end in a carriage return or contain "endstream", and
    cutting there made the tagging test fail about once in a few hundred renders."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompressobj().decompress(pdf[match.end() :]))
    return b"\n".join(parts)
