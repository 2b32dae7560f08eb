class NoStoreForSignedInMiddleware:
    """Pages a signed-in person sees carry personal data: no browser or proxy may keep
    them (a shared phone's back button must not show someone's file)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response
