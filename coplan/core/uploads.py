"""Uploaded files: check what they really are, and serve them so a browser never runs them.

Every app that accepts files calls :func:`check_upload` (size limit, the extension on an allow
list, the first bytes must match that extension, and nothing a browser would run — HTML, SVG,
scripts, executables — whatever the name says) and serves them with :func:`attachment_response`
(always a download, a fixed content type per extension, ``X-Content-Type-Options: nosniff`` and
a sandboxing CSP, and a file name cleaned of anything but safe characters). The name a person
gave a file is never used as a path.

An *import* (a table Coplan reads, not a document it keeps) also calls :func:`check_utf8_text`
first: a .csv or .txt file must be UTF-8 text (a byte order mark is fine), and anything else —
Latin-1 or UTF-16 text, a picture or a workbook under a text name — is refused with a message
that says how to save the file. :func:`delete_stored` removes files a refused upload wrote.
"""

import codecs
import re
import unicodedata
from pathlib import PurePath

from django.http import FileResponse

from .errors import DomainError

SAFE_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "rtf": "application/rtf",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
}

ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK")
OLE = (b"\xd0\xcf\x11\xe0",)
MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": ZIP,
    "xlsx": ZIP,
    "pptx": ZIP,
    "odt": ZIP,
    "ods": ZIP,
    "odp": ZIP,
    "doc": OLE,
    "xls": OLE,
    "ppt": OLE,
    "rtf": (b"{\\rtf",),
    "mp3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
}
TEXT = {"txt", "csv"}
EXECUTABLE = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")
ACTIVE = re.compile(
    rb"<\s*(!doctype\s+html|html|script|svg|iframe|object|embed|body|head|meta)\b|javascript:",
    re.IGNORECASE,
)
SNIFF_BYTES = 8192


UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
SAVE_AS_CSV_UTF8 = (
    "In Excel choose File > Save As > “CSV UTF-8 (Comma delimited)” and upload that file."
)
NOT_TEXT = (
    "The file is not UTF-8 text: it holds binary data, like a picture or a workbook with a "
    f"text file's name. {SAVE_AS_CSV_UTF8}"
)


def safe_filename(name: str, *, default: str = "file") -> str:
    """A file name with no path, no control characters and only safe characters, ≤ 120."""
    base = PurePath(str(name or "").replace("\\", "/")).name
    base = unicodedata.normalize("NFKC", base)
    base = re.sub(r"[^\w.\- ()]+", "-", base, flags=re.ASCII)
    base = re.sub(r"\s*-[-\s]*", "-", base).strip(" .-")
    if not base:
        return default
    stem, dot, ext = base.rpartition(".")
    if dot and len(ext) <= 10:
        return f"{stem[: 119 - len(ext)]}.{ext}"
    return base[:120]


def extension(name: str) -> str:
    return PurePath(name or "").suffix.lstrip(".").lower()


def _head(file) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(position)
    return head if isinstance(head, bytes) else head.encode()


def sniff(head: bytes, ext: str) -> str | None:
    """Why these first bytes cannot be a safe ``.ext`` file, or None if they can."""
    if head.startswith(EXECUTABLE):
        return "It is a program, not a document."
    if ext in TEXT:
        if b"\x00" in head:
            return f"It is not a .{ext} text file."
        if ACTIVE.search(head):
            return "It contains web page code, which Coplan does not accept."
        return None
    magic = MAGIC.get(ext)
    if magic and not head.startswith(magic):
        return f"Its contents are not a .{ext} file."
    if ext not in MAGIC and ACTIVE.search(head[:1024]):
        return "It contains web page code, which Coplan does not accept."
    return None


def check_upload(
    file,
    *,
    allowed: set[str],
    max_bytes: int | None,
    what: str = "The file",
    name: str | None = None,
    too_large: str | None = None,
) -> str:
    """Refuse a file that is too big, empty, of a type not allowed, or not what its name says.
    Returns a safe name to store it under. Raises :class:`DomainError` on ``field="file"``.

    ``max_bytes=None``: no size limit (a trusted command-line import). ``name``: the name the
    person gave the file, when it is not ``file.name``. ``too_large``: the message for a file
    over the limit, when the app has better advice than the standard one."""
    name = safe_filename(name if name is not None else getattr(file, "name", "") or "")
    ext = extension(name)
    allowed = {a.lstrip(".").lower() for a in allowed}
    if ext not in allowed:
        kinds = ", ".join(sorted(a.upper() for a in allowed))
        raise DomainError(
            f"{what} must be one of these types: {kinds}.", code="unsupported_file", field="file"
        )
    size = getattr(file, "size", None) or 0
    if max_bytes is not None and size > max_bytes:
        raise DomainError(
            too_large or f"{what} is larger than {max_bytes // (1024 * 1024)} MB.",
            code="file_too_large",
            field="file",
        )
    if size == 0:
        raise DomainError(f"{what} is empty.", code="empty_file", field="file")
    problem = sniff(_head(file), ext)
    if problem:
        raise DomainError(
            f"{what} does not look like a .{ext} file: {problem}",
            code="content_mismatch",
            field="file",
        )
    return name


def utf8_problem(data: bytes, *, final: bool = True) -> str | None:
    """Why ``data`` is not UTF-8 text (with or without a byte order mark), saying how to save
    it, or None. ``final=False`` for the first bytes of a longer file: a character cut off at
    the end of them is not an error."""
    if data.startswith(UTF16_BOMS):
        return f"The file is saved as UTF-16 (“Unicode text”), not UTF-8. {SAVE_AS_CSV_UTF8}"
    if b"\x00" in data:
        return NOT_TEXT
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(data, final=final)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return (
            f"The file is not UTF-8 text: byte {error.start + 1} (on line {line}) is "
            f"0x{data[error.start]:02X}. {SAVE_AS_CSV_UTF8}"
        )
    return None


def check_utf8_text(file, *, name: str | None = None) -> None:
    """For an import: refuse a .csv or .txt file whose first bytes are not UTF-8 text, with
    ``code="wrong_encoding"`` on ``field="file"``. Other types pass (their own checks follow);
    the reader checks the rest of the file."""
    name = name if name is not None else getattr(file, "name", "") or ""
    if extension(safe_filename(name)) not in TEXT:
        return
    head = _head(file)
    problem = utf8_problem(head, final=len(head) < SNIFF_BYTES)
    if problem:
        raise DomainError(problem, code="wrong_encoding", field="file")


def delete_stored(*fieldfiles) -> None:
    """Remove files an upload has written, when it is refused or its transaction rolls back:
    a refused upload leaves no file behind. Takes ``FieldFile``s or ``(storage, name)``."""
    for item in fieldfiles:
        storage, name = item if isinstance(item, tuple) else (item.storage, item.name)
        if name:
            storage.delete(name)


def attachment_response(fieldfile, filename: str) -> FileResponse:
    """Serve a stored upload as a download that no browser will render or run."""
    name = safe_filename(filename)
    response = FileResponse(fieldfile.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = SAFE_TYPES.get(extension(name), "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
