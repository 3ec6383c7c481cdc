"""Absolute addresses of the answer pages, for posters made on a page or from the CLI."""

from __future__ import annotations

import os

from flask import current_app, has_request_context, request, url_for

from .rules import kiosk_key


def public_base() -> str | None:
    """The public site's base address: PUBLIC_BASE_URL or FIELDWORK_PUBLIC_URL, else the
    address of the current request (None outside a request)."""
    base = current_app.config.get("PUBLIC_BASE_URL") or os.environ.get("FIELDWORK_PUBLIC_URL")
    if base:
        return base.rstrip("/")
    return request.host_url.rstrip("/") if has_request_context() else None


def _external(base: str, endpoint: str, **values) -> str:
    # The path from the app's routes, the host (and any prefix) from the base address:
    # SERVER_NAME, when set, must not decide what is printed on a poster.
    with current_app.test_request_context("/"):
        return base.rstrip("/") + url_for(endpoint, **values)


def answer_url(base: str, survey_code: str, agency_id: int) -> str:
    """The poster's address: survey and agency, nothing about a person."""
    return _external(base, "online_public.answer", code=survey_code, agency_id=agency_id)


def kiosk_url(base: str, survey_code: str, agency_id: int) -> str:
    """The address to open on the desk's tablet (carries the kiosk key)."""
    key = kiosk_key(current_app.config["SECRET_KEY"], survey_code, agency_id)
    return _external(base, "online_public.kiosk", code=survey_code, agency_id=agency_id,
                     key=key)
