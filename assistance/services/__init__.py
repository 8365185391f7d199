"""Service functions: each owns its transaction, writes its audit record in it, and raises a
``ServiceError`` (never a half-written change) on bad input or a forbidden act."""
