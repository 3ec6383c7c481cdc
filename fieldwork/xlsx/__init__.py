"""Reading uploaded XLSX workbooks safely: checked before parsing, parsed in a child process.

Every XLSX upload (results imports, the sampling frame, XLSForm questionnaires) goes through
:func:`read_xlsx`. ``guard.inspect_xlsx`` looks at the ZIP archive first (uncompressed size,
compression ratio, shared-strings table, declared sheet dimensions); then ``child.py`` runs
openpyxl in a separate Python process with a memory and CPU limit, streaming the rows to a
temporary file the caller reads one row at a time. A workbook built to exhaust memory or
time is refused with a message saying why, and the web process never grows with it.
"""

from __future__ import annotations

from .guard import XlsxLimits, XlsxRefused, inspect_xlsx
from .reader import XlsxBook, read_xlsx

__all__ = ["XlsxBook", "XlsxLimits", "XlsxRefused", "inspect_xlsx", "read_xlsx"]
