"""The pure core: periods, units, indicators and formulas, targets. No I/O here."""
