"""The exchange hub: imports, exports, connectors, connected systems, jobs, the exchange log."""
