"""Signing in (the site's login and the admin's), with password guessing slowed down.

Failed sign-ins are counted in the shared cache per account and per address
(LOGIN_FAILURES_PER_ACCOUNT / _PER_ADDRESS in LOGIN_WINDOW). Each try is counted before the
password is checked, so parallel tries cannot slip under the limit; a successful one gives its
count back. Past a limit even the right password is refused until the window has passed, with
a message that says so.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from workshops import ratelimit


class SlowsGuessing:
    error_messages = {
        "throttled": _(
            "Too many failed sign-ins for this account or from this network. Wait "
            "%(minutes)d minutes and try again."
        ),
    }

    def _counters(self) -> list[tuple[str, int]]:
        username = (self.cleaned_data.get("username") or "").strip().lower()
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        return [
            (f"login:u:{ratelimit.hashed(username)}", settings.LOGIN_FAILURES_PER_ACCOUNT),
            (f"login:a:{ratelimit.hashed(address)}", settings.LOGIN_FAILURES_PER_ADDRESS),
        ]

    def clean(self):
        window = settings.LOGIN_WINDOW
        counters = self._counters()
        tries = [(key, ratelimit.take(key, window), limit) for key, limit in counters]
        if any(count > limit for _key, count, limit in tries):
            raise forms.ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": window // 60},
            )
        cleaned = super().clean()
        for key, _count, _limit in tries:  # it was the right password: not a guess
            ratelimit.give_back(key, window)
        return cleaned


class LoginForm(SlowsGuessing, AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, **SlowsGuessing.error_messages}


class AdminLoginForm(SlowsGuessing, AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, **SlowsGuessing.error_messages}
