"""Typed errors with a stable code and a message that says what to do.

``InputError`` and its subclasses are about the file (bad input, not our bug): a batch records
them against the file and goes on. ``EnvironmentProblem`` is about this machine (a converter is
missing). Anything else escaping a parser is a bug in jixiao and is reported as ``internal_error``.
"""

from __future__ import annotations

__all__ = [
    "ConversionFailed",
    "ConverterMissing",
    "OcrUnavailable",
    "CorruptFile",
    "EmptyFile",
    "EncryptedFile",
    "BadPointer",
    "EnvironmentProblem",
    "ERROR_CODES",
    "Forbidden",
    "FormatNotAllowed",
    "InvalidState",
    "MethodNotAllowed",
    "NotFound",
    "NotReady",
    "PreconditionRequired",
    "RequestError",
    "RequestTooLarge",
    "TooManyFiles",
    "Unauthorized",
    "VersionConflict",
    "FileTooLarge",
    "InputError",
    "JixiaoError",
    "ParseTimeout",
    "ResourceLimit",
    "TooManyPages",
    "UnsupportedFormat",
    "ZipBomb",
]


class JixiaoError(Exception):
    """Base of every error jixiao raises on purpose."""

    code = "internal_error"
    hint = "This is a bug in jixiao: report it with the file that caused it."

    def __init__(self, message: str, *, file: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        if hint is not None:
            self.hint = hint

    def to_dict(self) -> dict[str, str]:
        d = {"code": self.code, "message": self.message, "hint": self.hint}
        if self.file:
            d["file"] = self.file
        return d

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"{where}{self.message} [{self.code}] — {self.hint}"


class InputError(JixiaoError):
    """The file cannot be read as a report; nothing is wrong with jixiao."""

    code = "bad_input"
    hint = "Check the file and submit a readable copy."


class UnsupportedFormat(InputError):
    code = "unsupported_format"
    hint = "Submit the report as PDF, DOCX, DOC, WPS, XLSX, XLS, HTML or TXT."


class EncryptedFile(InputError):
    code = "encrypted"
    hint = "Remove the password (or ask the unit for an unprotected copy) and submit again."


class CorruptFile(InputError):
    code = "corrupt_file"
    hint = "The file is damaged or truncated: open it in its program, save it again and resubmit."


class EmptyFile(InputError):
    code = "empty_file"
    hint = "The file holds no content: check that the right file was uploaded."


class FileTooLarge(InputError):
    code = "file_too_large"
    hint = "Split the file, or raise JIXIAO_MAX_FILE_MB if such files are expected."


class TooManyPages(InputError):
    code = "too_many_pages"
    hint = "Split the file, or raise JIXIAO_MAX_PAGES if such long reports are expected."


class ZipBomb(InputError):
    code = "zip_bomb"
    hint = (
        "The DOCX/XLSX unpacks to far more than any report needs; it was not opened. "
        "Re-save it from Word/Excel/WPS, or raise JIXIAO_ZIP_MAX_UNCOMPRESSED_MB if it is genuine."
    )


class ParseTimeout(InputError):
    code = "parse_timeout"
    hint = "The parser was stopped at the time limit; the file may be pathological. Raise JIXIAO_PARSE_TIMEOUT_S to try longer."


class ResourceLimit(InputError):
    code = "memory_limit"
    hint = "The parser was stopped at the memory limit; the file may be pathological. Raise JIXIAO_PARSE_MEMORY_MB to allow more."


class ConversionFailed(InputError):
    code = "conversion_failed"
    hint = "LibreOffice could not convert the file: open it in Word/WPS, save as DOCX and resubmit."


class EnvironmentProblem(JixiaoError):
    """Something this machine lacks; the operator must fix it."""

    code = "environment"
    hint = "Fix the installation (see README) and run again."


class ConverterMissing(EnvironmentProblem):
    code = "converter_missing"
    hint = (
        "Install LibreOffice (Debian: apt-get install libreoffice-writer-nogui "
        "libreoffice-calc-nogui) or set JIXIAO_SOFFICE to the soffice program."
    )


class OcrUnavailable(EnvironmentProblem):
    code = "ocr_unavailable"
    hint = (
        "Install the OCR engine with its models (pip install 'rapidocr_onnxruntime>=1.3,<1.5'), "
        "or set JIXIAO_OCR=0 to leave scanned pages unread."
    )


class RequestError(JixiaoError):
    """A request to the service that cannot be served as asked (the client's, not the file's)."""

    code = "invalid_request"
    status = 422
    hint = "Check the request against the API description at /docs."


class Unauthorized(RequestError):
    code, status = "unauthorized", 401
    hint = "Send 'Authorization: Bearer <token>' with a token made by 'jixiao user add'."


class Forbidden(RequestError):
    code, status = "forbidden", 403
    hint = "Your role or unit does not allow this; ask a reviewer or an administrator."


class NotFound(RequestError):
    code, status = "not_found", 404
    hint = "Check the id or the address."


class MethodNotAllowed(RequestError):
    code, status = "method_not_allowed", 405
    hint = "This address does not take that HTTP method: see /docs."


class BadPointer(RequestError):
    code, status = "bad_pointer", 422
    hint = "Point into /records/… of the record returned by /result (RFC 6901 JSON pointer); '-' appends to a list."


class VersionConflict(RequestError):
    code, status = "version_conflict", 409
    hint = "The record changed since you read it: fetch it again (GET …/result), re-apply your change and send it with the new ETag."


class PreconditionRequired(RequestError):
    code, status = "precondition_required", 428
    hint = "Send If-Match with the ETag of the record you corrected."


class InvalidState(RequestError):
    code, status = "invalid_state", 409
    hint = "The document's status does not allow this: reopen an approved document before correcting it."


class NotReady(RequestError):
    code, status = "not_ready", 409
    hint = "The document is still queued or being extracted: try again shortly."


class TooManyFiles(RequestError):
    code, status = "too_many_files", 413
    hint = "Send fewer files per request, or raise JIXIAO_MAX_UPLOAD_FILES."


class RequestTooLarge(RequestError):
    code, status = "request_too_large", 413
    hint = "The request body is over JIXIAO_MAX_REQUEST_MB: send the files in several requests."


class FormatNotAllowed(RequestError):
    code, status = "format_not_allowed", 415
    hint = "The service accepts the formats in JIXIAO_UPLOAD_FORMATS; convert the report to PDF, DOCX or XLSX."


def _codes() -> dict[str, type[JixiaoError]]:
    out: dict[str, type[JixiaoError]] = {}
    stack: list[type[JixiaoError]] = [JixiaoError]
    while stack:
        cls = stack.pop()
        out[cls.code] = cls
        stack.extend(cls.__subclasses__())
    return out


ERROR_CODES: dict[str, type[JixiaoError]] = _codes()
"""Every stable error code and the class that carries it (documented in README, pinned by a test)."""
