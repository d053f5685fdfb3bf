"""Use cases: the only code that writes; each one authorises, checks, mutates in a transaction, appends events."""
