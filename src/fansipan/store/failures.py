"""Database failures told to people: what happened, that nothing was saved, what to do."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from fansipan.errors import StoreUnavailable, msg


def store_unavailable(exc: OperationalError) -> StoreUnavailable:
    text = str(exc.orig).lower()
    if "full" in text or "no space" in text:
        return StoreUnavailable(msg("The database disk is full; nothing was saved. Free disk space "
                                    "on the database server, then send the request again"))
    if "read-only" in text or "readonly" in text:
        return StoreUnavailable(msg("The database is read-only; nothing was saved. Check the "
                                    "permissions of the data folder, then try again"))
    if "locked" in text or "busy" in text:
        return StoreUnavailable(msg("The database was busy for too long; nothing was saved. Try "
                                    "again in a moment"))
    return StoreUnavailable(msg("The database is unavailable (the connection failed or was "
                                "dropped); nothing was saved. Try again shortly"))
