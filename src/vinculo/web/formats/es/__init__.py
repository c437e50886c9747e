"""Spanish as written in Mexico (es-MX)."""
