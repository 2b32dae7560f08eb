"""Notification kinds of the resource map (registered when the app is ready)."""
