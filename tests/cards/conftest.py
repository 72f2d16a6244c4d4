"""Helpers for the card tests: read a PDF back (page sizes, text, QR codes) and wait for
a sheet made in the background."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pypdfium2 as pdfium
import pytest
import zxingcpp
from flask.testing import FlaskClient
from PIL import Image

from tests.conftest import member

MM = 72 / 25.4  # points a millimetre
WAIT_S = 30.0  # a bound, not a speed target: a sheet of a few cards takes well under a second


@contextmanager
def open_pdf(data: bytes) -> Iterator[pdfium.PdfDocument]:
    document = pdfium.PdfDocument(data)
    try:
        yield document
    finally:
        document.close()


def page_sizes_mm(data: bytes) -> list[tuple[float, float]]:
    with open_pdf(data) as document:
        return [
            (round(width / MM, 2), round(height / MM, 2))
            for width, height in (page.get_size() for page in document)
        ]


def page_texts(data: bytes) -> list[str]:
    with open_pdf(data) as document:
        return [page.get_textpage().get_text_range() for page in document]


def read_qr_codes(image: Image.Image) -> list[str]:
    return [
        code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ]


def page_qr_codes(data: bytes, dpi: int = 150) -> list[list[str]]:
    """The QR texts found on each page, rasterised at ``dpi``."""
    with open_pdf(data) as document:
        return [
            read_qr_codes(page.render(scale=dpi / 72, grayscale=True).to_pil()) for page in document
        ]


def wait_for_sheet(client: FlaskClient, job_id: int) -> dict[str, Any]:
    """Poll the sheet's progress until it is done or failed, then let its thread end."""
    deadline = time.monotonic() + WAIT_S
    while True:
        progress = client.get(f"/cards/sheets/{job_id}/progress").get_json()
        if progress["status"] in ("done", "failed"):
            break
        assert time.monotonic() < deadline, f"sheet {job_id} still {progress} after {WAIT_S} s"
        time.sleep(0.05)
    for thread in threading.enumerate():
        if thread.name == f"card-sheet-{job_id}":
            thread.join(WAIT_S)
            assert not thread.is_alive()
    return progress


@pytest.fixture
def households(register: Callable[..., dict[str, Any]]) -> Callable[[int], list[dict[str, Any]]]:
    """Register ``n`` households through the API; their JSON, each with its card's QR."""

    def make(n: int) -> list[dict[str, Any]]:
        return [register(member()) for _ in range(n)]

    return make
