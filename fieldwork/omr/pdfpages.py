"""PDF pages as grey images: the scanner's own image when a page is one scan, else rendered."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .load import MAX_PDF_PAGES, RENDER_DPI, PageImage, check_size, jpeg_flags, reduced_shape

# A page whose largest image covers this share of the page is treated as a scan.
SCAN_COVER = 0.5


def _grey(bitmap) -> np.ndarray:
    """A pdfium bitmap as a contiguous 8-bit grey array."""
    import cv2

    arr = bitmap.to_numpy()
    if arr.ndim == 2:
        return np.ascontiguousarray(arr)
    if arr.shape[2] == 1:
        return np.ascontiguousarray(arr[:, :, 0])
    code = cv2.COLOR_BGRA2GRAY if arr.shape[2] == 4 else cv2.COLOR_BGR2GRAY
    if getattr(bitmap, "rev_byteorder", False):
        code = cv2.COLOR_RGBA2GRAY if arr.shape[2] == 4 else cv2.COLOR_RGB2GRAY
    return cv2.cvtColor(arr, code)


def _jpeg(image) -> np.ndarray | None:
    """The image decoded straight from its JPEG stream, or None if it is not plain JPEG."""
    import cv2

    try:
        if list(image.get_filters(skip_simple=True)) != ["DCTDecode"]:
            return None
        raw = np.frombuffer(bytes(image.get_data(decode_simple=True)), np.uint8)
    except Exception:  # noqa: BLE001 - pdfium raises several kinds; rendering is the fallback
        return None
    w, h = image.get_px_size()
    flags, factor = jpeg_flags(w, h)
    grey = cv2.imdecode(raw, flags)
    if grey is None or grey.shape != reduced_shape(w, h, factor):
        return None
    return grey


def _scan_image(page):
    """The image object that makes up a scanned page, or None for vector content."""
    import pypdfium2.raw as raw

    width, height = page.get_size()
    best, best_area = None, 0.0
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        area = max(0.0, right - left) * max(0.0, top - bottom)
        if area > best_area:
            best, best_area = obj, area
    if best is None or best_area < SCAN_COVER * width * height:
        return None
    return best


def _rendered_fits(image, w: int, h: int, max_pixels: int) -> bool:
    """Whether the image drawn on its page box at its own pixel density stays in the limit.

    A declared size whose shape does not match the box (400×20,000 px drawn on a page) is
    rendered at the larger density in both directions: far more pixels than w×h."""
    left, bottom, right, top = image.get_bounds()
    box_w, box_h = max(right - left, 1e-3), max(top - bottom, 1e-3)
    scale = max(w / box_w, h / box_h)
    return check_size(round(box_w * scale), round(box_h * scale), max_pixels) is None


def _page_image(page, index: int, max_pixels: int) -> PageImage:
    import pypdfium2 as pdfium

    image = _scan_image(page)
    if image is not None:
        w, h = image.get_px_size()
        refused = check_size(w, h, max_pixels)
        if refused and refused[0] == "too_large":
            return PageImage(index, error=refused[0], detail=refused[1])
        if refused is None:
            grey = _jpeg(image)  # a scanner's JPEG, decoded directly: several times faster
            if grey is not None:
                return PageImage(index, grey)
            try:
                if _rendered_fits(image, w, h, max_pixels):
                    return PageImage(index, _grey(image.get_bitmap(render=True)))
            except pdfium.PdfiumError:
                pass  # fall back to rendering the whole page
    width, height = page.get_size()
    scale = RENDER_DPI / 72.0
    refused = check_size(round(width * scale), round(height * scale), max_pixels)
    if refused:
        return PageImage(index, error=refused[0], detail=refused[1])
    bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=False)
    return PageImage(index, _grey(bitmap))


def pdf_pages(data: bytes, max_pixels: int) -> Iterator[PageImage]:
    """Yield each page of a PDF given as bytes; damaged pages carry their reason."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        detail = str(exc)
        code = "encrypted_pdf" if "password" in detail.lower() else "corrupt_file"
        yield PageImage(0, error=code, detail=f"the PDF cannot be opened ({detail})")
        return
    try:
        count = len(pdf)
        if count == 0:
            yield PageImage(0, error="empty_file", detail="the PDF has no pages")
            return
        for index in range(min(count, MAX_PDF_PAGES)):
            try:
                page = pdf[index]
            except pdfium.PdfiumError as exc:
                yield PageImage(index, error="corrupt_file",
                                detail=f"PDF page {index + 1} cannot be read ({exc})")
                continue
            try:
                yield _page_image(page, index, max_pixels)
            except pdfium.PdfiumError as exc:
                yield PageImage(index, error="corrupt_file",
                                detail=f"PDF page {index + 1} cannot be rendered ({exc})")
            finally:
                page.close()
        if count > MAX_PDF_PAGES:
            yield PageImage(MAX_PDF_PAGES, error="too_many_pages",
                            detail=f"only the first {MAX_PDF_PAGES} of {count} pages were read; "
                                   "split the file")
    finally:
        pdf.close()
