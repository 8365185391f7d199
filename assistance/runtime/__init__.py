"""How the processes run their background work; nothing here decides a case."""
