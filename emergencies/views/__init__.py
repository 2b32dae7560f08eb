"""The emergencies module's pages, one module per topic; ``urls.py`` composes them."""


def is_coordinator(request) -> bool:
    """Whether the person is a coordinator of the active association."""
    return bool(request.membership and request.membership.is_coordinator)
