"""Tables, the engine factory, migrations and the change log."""
