"""The columnar engine: answers over units and periods, kept current from the store."""
