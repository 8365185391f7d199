"""What people read of cases: the case page, work queues, listings, statistics, kept pages."""
