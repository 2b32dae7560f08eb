from functools import cache

from . import selectors


def tenancy(request):
    """The active association and membership for the navbar and role menus, and the
    signed-in person's unread notifications for the bell."""
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        # A callable, which templates call when they first use it: one query for pages
        # that show the bell, none for the partials htmx swaps in.
        unread = cache(lambda: selectors.unread_count(user=user))
    return {
        "active_association": getattr(request, "association", None),
        "active_membership": membership,
        "user_memberships": getattr(request, "memberships", []),
        "unread_notifications": unread,
    }
