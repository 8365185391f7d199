"""Cases: filing, the acts of each procedure, their records, deadlines, evidence and rechecks."""
