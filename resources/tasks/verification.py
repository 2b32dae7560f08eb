"""Resource map tasks: verification."""

__all__: list[str] = []
