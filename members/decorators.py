from functools import wraps

from django.core.exceptions import PermissionDenied


def role_required(*roles: str):
    """The view is for people holding one of ``roles`` in their active association;
    anyone else signed in gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            membership = getattr(request, "membership", None)
            if membership is None or not membership.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
