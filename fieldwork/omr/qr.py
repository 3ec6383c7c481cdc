"""Finding and decoding the page's QR code with pyzbar: where it should be first, then anywhere."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .align import reduce

MODULE_PX = (2.2, 7.0)  # QR module sizes (pixels) zbar reads well; crops are rescaled into it
FULL_PAGE_SIDE = 2000  # the whole-page fallback searches an image this large at most


# zbar's orientation of a symbol: how far it is turned clockwise, in degrees.
_TURNS = {"UP": 0, "RIGHT": 90, "DOWN": 180, "LEFT": 270}


@dataclass(frozen=True)
class QRHit:
    """A decoded QR code: its text, the centre of its symbol in image pixels and, when known,
    the symbol's own corners (its TL, TR, BR, BL as printed, 4×2 pixels) and its turn."""

    text: bytes
    center: tuple[float, float]
    corners: np.ndarray | None = None
    turn: int | None = None

    def moved(self, f: float, dx: float = 0.0, dy: float = 0.0) -> QRHit:
        """The same hit in an image scaled by ``1/f`` and offset by (dx, dy)."""
        c = None if self.corners is None else self.corners / f + (dx, dy)
        return QRHit(self.text, (dx + self.center[0] / f, dy + self.center[1] / f), c,
                     self.turn)


def _zbar(image: np.ndarray) -> list[QRHit]:
    from pyzbar.pyzbar import ZBarSymbol, decode

    out = []
    for sym in decode(image, symbols=[ZBarSymbol.QRCODE]):
        pts = np.array([(p.x, p.y) for p in sym.polygon], dtype=np.float64)
        c = pts.mean(axis=0) if len(pts) else (sym.rect.left + sym.rect.width / 2,
                                               sym.rect.top + sym.rect.height / 2)
        corners, turn = None, _TURNS.get(str(getattr(sym, "orientation", None)))
        if len(pts) == 4 and turn is not None:
            # The corners in image order TL, TR, BR, BL (zbar's own order varies with skew);
            # the printed symbol's top-left is the image corner its turn brings it to.
            s, d = pts.sum(axis=1), pts[:, 0] - pts[:, 1]
            clockwise = pts[[np.argmin(s), np.argmax(d), np.argmax(s), np.argmin(d)]]
            if len({int(np.argmin(s)), int(np.argmax(d)), int(np.argmax(s)),
                    int(np.argmin(d))}) == 4:
                corners = np.roll(clockwise, -(turn // 90), axis=0)
        out.append(QRHit(sym.data, (float(c[0]), float(c[1])), corners, turn))
    return out


def _variants(crop: np.ndarray, module_px: float) -> list:
    """The ways of preparing the crop as zbar sees best: at a good module size, then
    binarised, ...; each a callable giving ``(image, factor)``, made only when called (a
    second pass over a region skips the ways the first one tried)."""
    import cv2

    lo, hi = MODULE_PX
    f = 1.0
    if module_px > hi:
        f = 4.0 / module_px
    elif module_px < lo:
        f = 3.0 / module_px
    made: dict = {}

    def sized():
        if "sized" not in made:
            made["sized"] = crop if f == 1.0 else cv2.resize(
                crop, None, fx=f, fy=f,
                interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
        return made["sized"]

    def binary():
        _, out = cv2.threshold(cv2.GaussianBlur(sized(), (3, 3), 0), 0, 255,
                               cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        return out, f

    ways = [lambda: (sized(), f), binary]
    if f == 1.0 and module_px > 3.2:
        ways.append(lambda: (cv2.resize(crop, None, fx=0.6, fy=0.6,
                                        interpolation=cv2.INTER_AREA), 0.6))
    # Blurred small modules: enlarge, sharpen (unsharp mask), then binarise.
    g = max(2.0, 7.0 / module_px)

    def up():
        if "up" not in made:
            made["up"] = cv2.resize(crop, None, fx=g, fy=g, interpolation=cv2.INTER_CUBIC)
        return made["up"]

    def sharpened():
        big = up()
        sharp = cv2.addWeighted(big, 2.0, cv2.GaussianBlur(big, (0, 0), g), -1.0, 0)
        _, out = cv2.threshold(sharp, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        return out, g

    # Noisy, blurred and low-contrast (a faint print scanned coarsely): smooth the noise
    # away, then binarise against the neighbourhood (about four modules) rather than the
    # whole crop.
    def adaptive():
        smooth = cv2.GaussianBlur(up(), (0, 0), 0.35 * g * module_px / 2)
        block = int(4 * g * module_px) | 1
        return cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C,
                                     cv2.THRESH_BINARY, max(block, 3), 4), g

    return ways + [sharpened, adaptive]


def decode_region(gray: np.ndarray, corners: np.ndarray, module_px: float,
                  tries: int = 5, start: int = 0) -> QRHit | None:
    """Decode a QR code inside the image region spanned by ``corners`` (N×2 pixels), trying at
    most ``tries`` ways of preparing the crop (the cheap ones first), from the ``start``-th:
    the ways before it were tried on this very region already and read nothing (zbar reads an
    image the same way each time)."""
    if module_px <= 0:
        raise ValueError(f"module_px must be positive, got {module_px}")
    if not 0 <= start <= tries:
        raise ValueError(f"start must be between 0 and tries ({tries}), got {start}")
    h, w = gray.shape
    x0, y0 = np.floor(corners.min(axis=0)).astype(int)
    x1, y1 = np.ceil(corners.max(axis=0)).astype(int)
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 - x0 < 16 or y1 - y0 < 16:
        return None
    crop = gray[y0:y1, x0:x1]
    for way in _variants(crop, module_px)[start:tries]:
        img, f = way()
        hits = _zbar(img)
        if hits:
            return hits[0].moved(f, x0, y0)
    return None


def decode_anywhere(gray: np.ndarray) -> list[QRHit]:
    """Every QR code on the whole page, searched at a reduced size (the slow fallback)."""
    small, f = reduce(gray, FULL_PAGE_SIDE)
    hits = _zbar(small)
    if not hits:
        import cv2

        _, binary = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        hits = _zbar(binary)
    return [hit.moved(f) for hit in hits]
