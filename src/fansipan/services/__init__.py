"""The one entry point for the API, the web pages and the CLI; the only layer that commits."""
