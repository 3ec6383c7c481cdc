"""Import every model so the metadata (and Alembic) sees all tables."""

from .features import import_models

import_models()
