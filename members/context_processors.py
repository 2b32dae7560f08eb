def tenancy(request):
    """The active association and membership for the navbar and role menus."""
    membership = getattr(request, "membership", None)
    return {
        "active_association": getattr(request, "association", None),
        "active_membership": membership,
        "user_memberships": getattr(request, "memberships", []),
    }
