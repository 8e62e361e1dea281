"""The warehouse: catalogue, units, values and their writes, targets, approvals."""
