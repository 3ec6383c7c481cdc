"""Security headers on every response, the sign-in rate limiter and its 429 page.

What is enforced and how to configure it in production: docs/security.md.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from .errors import _page

# Storage from RATELIMIT_STORAGE_URI (memory:// by default, REDIS_URL when set).
limiter = Limiter(key_func=get_remote_address)

# Scripts only from our own static files: no inline <script>, no on*= handlers, no eval.
# Styles keep 'unsafe-inline' (style="" attributes in templates; a style cannot run code).
# img-src allows data: because Bootstrap's own CSS draws check marks, select arrows and
# close buttons as data: SVG images.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    # Nothing here needs these devices; a scanning kiosk with a camera would allow camera=(self).
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy() -> str:
    """The Content-Security-Policy header value."""
    return "; ".join(f"{name} {value}" for name, value in CSP.items())


def add_security_headers(response):
    """Set the security headers on a response (a view may have set its own first)."""
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SECURITY_HSTS"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def login_limit() -> str:
    """The sign-in rate limit per client address, e.g. '10/minute' (LOGIN_RATE_LIMIT)."""
    return current_app.config.get("LOGIN_RATE_LIMIT") or "10/minute"


def login_limit_off() -> bool:
    """True when LOGIN_RATE_LIMIT is empty (the tests' setting)."""
    return not current_app.config.get("LOGIN_RATE_LIMIT")


def too_many_requests(e):
    """A friendly page for a rate-limited request (429), with the limiter's Retry-After."""
    return _page(429, _("Too many attempts"),
                 _("Too many sign-in attempts from this computer. Wait a minute, then try "
                   "again."))


def too_large(e):
    """A friendly page for an upload over the size limit (413)."""
    return _page(413, _("File too large"),
                 _("The upload is larger than this page accepts; nothing was saved."))


def init_security(app: Flask) -> None:
    """Bind the limiter, add the headers to every response, install the 413 and 429 pages."""
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        # Behind a reverse proxy: take the client address and scheme from its headers, so
        # that the rate limit counts clients and not the proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    limiter.init_app(app)
    app.after_request(add_security_headers)
    app.register_error_handler(413, too_large)
    app.register_error_handler(429, too_many_requests)
