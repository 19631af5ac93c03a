"""Quality checks on translated entries: registry, runner, cache, one module per family."""
