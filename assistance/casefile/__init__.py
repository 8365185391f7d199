"""A case's household facts in the rules engine's case-file format, and the engine's decisions on them."""
