"""Settings: one pydantic-settings class read at the edges (CLI, API), passed inward.

Deep code never reads ``os.environ``: parsers receive :class:`ParseOptions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ParseOptions", "Settings"]


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """Limits and switches for parsing one file."""

    max_pages: int = 2000
    max_file_mb: float = 200.0
    zip_max_uncompressed_mb: float = 500.0
    zip_max_entries: int = 20000
    zip_max_ratio: float = 200.0  # uncompressed/compressed over the whole archive
    timeout_s: float = 300.0  # wall-clock limit for one file (enforced by parse_isolated)
    memory_mb: int = 2048  # address space the isolated parser process may add (MiB)
    soffice: str | None = None  # LibreOffice program; found on PATH when None
    convert_timeout_s: float = 120.0
    ocr_garbage_ratio: float = 0.3  # share of (cid:)/control/private-use chars marking a page for OCR
    pdf_tables: bool = True  # run the ruled-table finder on pages that draw lines
    ocr: bool = True  # OCR the pages marked needs_ocr (scans, images, broken fonts)
    ocr_workers: int = 2  # OCR worker processes (one core each)
    ocr_max_pages: int = 100  # OCR at most this many pages of one file
    ocr_page_timeout_s: float = 60.0  # stop OCR of one page after this long
    ocr_timeout_s: float = 240.0  # stop the OCR of one file after this long
    ocr_dpi: int = 200  # resolution PDF pages are rendered at for OCR


class Settings(BaseSettings):
    """Environment variables ``JIXIAO_*`` (or a ``.env`` file) configure jixiao."""

    model_config = SettingsConfigDict(env_prefix="JIXIAO_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Where the store keeps its database and files.")
    max_pages: int = Field(2000, description="Refuse files with more pages (sheets) than this.")
    max_file_mb: float = Field(200.0, description="Refuse files larger than this many MiB.")
    zip_max_uncompressed_mb: float = Field(500.0, description="DOCX/XLSX: refuse archives that unpack to more than this.")
    zip_max_entries: int = Field(20000, description="DOCX/XLSX: refuse archives with more entries than this.")
    zip_max_ratio: float = Field(200.0, description="DOCX/XLSX: refuse archives whose compression ratio exceeds this.")
    parse_timeout_s: float = Field(300.0, description="Kill a parser that runs longer than this (seconds).")
    parse_memory_mb: int = Field(2048, description="Stop a parser that allocates more than this many MiB.")
    soffice: str | None = Field(None, description="Path to LibreOffice's soffice, for DOC/WPS conversion.")
    grade_scheme: str = Field("mof_2020_10", description="Grade band scheme for computed grades (extract.toml [grades.schemes]).")
    amount_tolerance_wan: str = Field("0.01", description="Tolerance of the amount checks (C01, C15), in 万元.")
    score_tolerance: str = Field("0.1", description="Tolerance of the score checks (C04, C07, C09), in points.")
    overperformance_ratio: str = Field("1.3", description="C11: an actual at or above this multiple of its target needs an explanation.")
    # OCR (issue #9)
    ocr: bool = Field(True, description="OCR pages without a usable text layer (scans, images, fonts without a Unicode map); 0 leaves them marked needs_ocr.")
    ocr_workers: int = Field(2, ge=1, le=64, description="OCR worker processes for one file (each uses one core).")
    ocr_max_pages: int = Field(100, ge=0, description="OCR at most this many pages of one file; the rest stay needs_ocr with an ocr_page_limit warning.")
    ocr_page_timeout_s: float = Field(60.0, gt=0, description="Stop the OCR of one page after this many seconds (warning ocr_page_timeout).")
    ocr_timeout_s: float = Field(240.0, gt=0, description="Stop the OCR of one file after this many seconds (warning ocr_timeout); keep it below JIXIAO_PARSE_TIMEOUT_S.")
    ocr_dpi: int = Field(200, ge=72, le=600, description="Resolution PDF pages are rendered at for OCR.")
    # the service (issue #6)
    database_url: str | None = Field(None, description="SQLAlchemy URL of the store (postgresql+psycopg://…); default: SQLite file jixiao.db in the data directory.")
    workers: int = Field(2, ge=1, le=64, description="Extraction worker processes of the service.")
    max_upload_files: int = Field(50, ge=1, description="Most files accepted by one POST /documents.")
    max_request_mb: float = Field(1024.0, gt=0, description="Refuse a request body (all files of one upload) larger than this many MiB.")
    upload_formats: str = Field("pdf,docx,doc,xlsx,xls,txt,html", description="Formats (detected from the bytes) the service accepts, comma-separated.")
    low_confidence: float = Field(0.8, ge=0, le=1, description="A record with a field below this confidence is listed by ?low_confidence=true.")
    page_dpi: int = Field(110, ge=36, le=300, description="Resolution of the page images served for review.")
    # batch re-processing (issue #8)
    pipeline_label: str = Field("", max_length=40, pattern=r"^[0-9A-Za-z._-]*$", description="Appended to the pipeline version a batch records (e.g. after editing a lexicon): files last processed under another label are re-processed.")

    def sqlalchemy_url(self) -> str:
        """The store's database URL: JIXIAO_DATABASE_URL, else a SQLite file under the data directory."""
        return self.database_url or f"sqlite:///{Path(self.data_dir).resolve() / 'jixiao.db'}"

    def extract_options(self):  # -> ExtractOptions (imported lazily: settings stays import-light)
        from .extract import ExtractOptions
        from .extract.score import BAND_SCHEMES

        if self.grade_scheme not in BAND_SCHEMES:
            raise ValueError(f"JIXIAO_GRADE_SCHEME={self.grade_scheme!r}: not one of {sorted(BAND_SCHEMES)}")
        return ExtractOptions(
            grade_scheme=self.grade_scheme,
            amount_tolerance_wan=self.amount_tolerance_wan,
            score_tolerance=self.score_tolerance,
            overperformance_ratio=self.overperformance_ratio,
        )

    def parse_options(self) -> ParseOptions:
        return ParseOptions(
            max_pages=self.max_pages,
            max_file_mb=self.max_file_mb,
            zip_max_uncompressed_mb=self.zip_max_uncompressed_mb,
            zip_max_entries=self.zip_max_entries,
            zip_max_ratio=self.zip_max_ratio,
            timeout_s=self.parse_timeout_s,
            memory_mb=self.parse_memory_mb,
            soffice=self.soffice,
            ocr=self.ocr,
            ocr_workers=self.ocr_workers,
            ocr_max_pages=self.ocr_max_pages,
            ocr_page_timeout_s=self.ocr_page_timeout_s,
            ocr_timeout_s=self.ocr_timeout_s,
            ocr_dpi=self.ocr_dpi,
        )
