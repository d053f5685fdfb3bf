"""Use cases, the only code that writes: authorise, check, mutate in one transaction, append events."""
