"""Forms of the training module, one module per topic."""
