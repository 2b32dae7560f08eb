from datetime import timedelta

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration_words(value: timedelta) -> str:
    """A mean duration people read at a glance: days, else hours, else minutes."""
    seconds = max(0, int(value.total_seconds()))
    if seconds >= 86400:
        days = round(seconds / 86400, 1)
        return ngettext("%(n)s day", "%(n)s days", 1 if days == 1 else 2) % {"n": f"{days:g}"}
    if seconds >= 3600:
        hours = round(seconds / 3600, 1)
        return ngettext("%(n)s hour", "%(n)s hours", 1 if hours == 1 else 2) % {"n": f"{hours:g}"}
    minutes = seconds // 60
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
