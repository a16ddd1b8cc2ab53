from django import template

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
