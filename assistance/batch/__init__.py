"""Batch work over many cases: periodic recheck reviews and policy what-ifs."""
