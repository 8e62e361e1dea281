"""Reference data shipped with the package (units, catalogue, geometry)."""
