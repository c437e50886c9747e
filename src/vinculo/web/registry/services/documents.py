"""Documents attached to agreements: the type by content (magic bytes), the size limit."""

from __future__ import annotations

import os
import uuid
import zipfile
from collections.abc import Callable
from typing import IO, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from vinculo.web.audit.services import audit_record
from vinculo.web.formatting import number
from vinculo.web.registry.models import Agreement, AgreementDocument
from vinculo.web.registry.selectors import can_write_agreement

_Stored = TypeVar("_Stored", bound=Model)

__all__ = [
    "DOCUMENT_TYPES",
    "MAX_DOCUMENT_BYTES",
    "check_document",
    "document_kind",
    "document_upload",
    "download",
    "save_upload",
]

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: kind -> (content type, file-name extensions)
DOCUMENT_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "odt": ("application/vnd.oasis.opendocument.text", (".odt",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def document_kind(handle: IO[bytes]) -> str | None:
    """What a file is by its content (magic bytes; for the zip-based DOCX and ODT, the
    archive's entries), or None. The handle is read from the start and rewound.

    >>> import io
    >>> document_kind(io.BytesIO(b"%PDF-1.7 ...")), document_kind(io.BytesIO(b"GIF89a"))
    ('pdf', None)
    """
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                if archive.read("mimetype").strip() == _ODT_MIMETYPE:
                    return "odt"
            elif "word/document.xml" in names and "[Content_Types].xml" in names:
                return "docx"
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        handle.seek(0)
    return None


def check_document(upload: UploadedFile) -> tuple[str, str]:
    """(kind, extension) of an acceptable upload, else ValidationError on ``file``."""
    name = upload.name or ""
    extension = os.path.splitext(name)[1].lower()
    allowed = {ext: kind for kind, (_type, exts) in DOCUMENT_TYPES.items() for ext in exts}
    if extension not in allowed:
        raise ValidationError(
            {"file": [_("Allowed file types: PDF, DOCX, ODT, PNG and JPEG.")]}, code="type"
        )
    size = upload.size or 0
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("The file is %(size)s MB; the limit is %(limit)s MB.")
                    % {"size": number(size / 1024 / 1024, 1), "limit": MAX_DOCUMENT_BYTES >> 20}
                ]
            },
            code="size",
        )
    if size == 0:
        raise ValidationError({"file": [_("The file is empty.")]}, code="empty")
    kind = document_kind(upload.file)
    if kind is None:
        raise ValidationError(
            {"file": [_("The file's content is not a PDF, DOCX, ODT, PNG or JPEG document.")]},
            code="content",
        )
    if allowed[extension] != kind:
        raise ValidationError(
            {
                "file": [
                    _("The file's name ends in %(extension)s but its content is %(kind)s.")
                    % {"extension": extension, "kind": kind.upper()}
                ]
            },
            code="mismatch",
        )
    return kind, extension


@transaction.atomic
def document_upload(*, actor: Any, agreement: Agreement, upload: UploadedFile) -> AgreementDocument:
    """Attach a file to an agreement: PDF, DOCX, ODT, PNG or JPEG (checked by content,
    not by name), at most 10 MB. Stored under a random name; the original is kept."""
    if not can_write_agreement(actor, agreement):
        raise PermissionDenied
    return save_upload(
        AgreementDocument,
        upload=upload,
        actor=actor,
        audit=lambda document: audit_record(
            actor=actor,
            action="document.upload",
            obj=document,
            changes={
                "agreement": (None, agreement.pk),
                "original_name": (None, document.original_name),
                "content_type": (None, document.content_type),
                "size": (None, document.size),
            },
        ),
        agreement=agreement,
    )


def save_upload(
    model: type[_Stored], *, upload: UploadedFile, actor: Any, audit: Callable[[_Stored], Any],
    **fields: Any,
) -> _Stored:  # fmt: skip
    """A checked upload (:func:`check_document`) stored as a new ``model`` row (with
    ``file``, ``original_name``, ``content_type``, ``size`` and ``uploaded_by``): the file
    under a random name, the original name kept, ``audit(row)`` recorded; the file is
    removed again when the row is not written."""
    kind, extension = check_document(upload)
    record = model(
        original_name=os.path.basename(upload.name or "")[:255],
        content_type=DOCUMENT_TYPES[kind][0],
        size=upload.size or 0,
        uploaded_by=actor,
        **fields,
    )
    record.file.save(f"{uuid.uuid4().hex}{extension}", upload, save=False)
    try:
        record.save()
        audit(record)
    except BaseException:
        record.file.delete(save=False)  # no orphan file
        raise
    return record


def download(record: Any) -> FileResponse:
    """A stored upload (an agreement document, an opportunity attachment) as a download,
    under the name it was uploaded with."""
    return FileResponse(
        record.file.open("rb"),
        as_attachment=True,
        filename=record.original_name,
        content_type=record.content_type,
    )
