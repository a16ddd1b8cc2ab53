"""The Content Security Policy every response carries.

No script runs but our own files (htmx, live.js, …): no inline script, no eval, no other
origin, so text that slipped through escaping still could not run. Styles may be inline: the
curve is an inline SVG with matplotlib's own style attributes and htmx adds its indicator
style; a style cannot run code. Sockets and requests go back to this origin only.
"""

from __future__ import annotations

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response
