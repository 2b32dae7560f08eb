"""Resource map tasks: imports."""

__all__: list[str] = []
