"""The exchange hub's formats and connectors: how values come in and go out.

Readers turn a file or a payload into rows in the order of `services.checks.RawValue`
(plain tuples, for speed), or a `Conflict` for a row that cannot even be read; they
stream, so a file of millions of rows is never held in memory. Writers turn stored
values into a format. Nothing here touches the database: the services do.
"""
