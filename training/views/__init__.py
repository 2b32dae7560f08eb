"""The training module's pages, one module per topic; ``urls.py`` composes them."""
