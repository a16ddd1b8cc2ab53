from django import template
from django.utils import timezone
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.filter
def clock(seconds) -> str:
    """12:05 left, or +1:30 once the timebox is over (room.js shows the same)."""
    seconds = int(seconds or 0)
    sign = "+" if seconds < 0 else ""
    minutes, rest = divmod(abs(seconds), 60)
    return f"{sign}{minutes}:{rest:02d}"


@register.filter
def get_item(mapping: dict, key):
    """mapping[key] in a template, or None."""
    return mapping.get(key) if mapping else None


@register.filter
def ago(moment) -> str:
    """How long ago, as the console's team cards say it ("방금", "2분 전", "1시간 전"); they
    are polled every few seconds, so it stays current."""
    if moment is None:
        return ""
    seconds = max(0, int((timezone.now() - moment).total_seconds()))
    if seconds < 60:
        return gettext("just now")
    if seconds < 3600:
        n = seconds // 60
        return ngettext("%(n)d minute ago", "%(n)d minutes ago", n) % {"n": n}
    n = seconds // 3600
    return ngettext("%(n)d hour ago", "%(n)d hours ago", n) % {"n": n}
