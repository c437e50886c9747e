"""One module per source, each mapping its files onto the canonical tables."""
