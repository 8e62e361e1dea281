"""Trust: accounts, sign-in, tokens, second factor, access scopes, the audit log, backups."""
