"""What comes in from outside a case: other agencies' lists, and real-name reports."""
