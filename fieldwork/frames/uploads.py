"""Uploaded dossier lists waiting for their mapping step, kept in the data folder."""

from __future__ import annotations

from ..imports.uploads import UploadStore

DOSSIER_LISTS = UploadStore("frames")
save_upload, load_upload, drop_upload = (DOSSIER_LISTS.save, DOSSIER_LISTS.load,
                                         DOSSIER_LISTS.drop)
