"""Who may see and do what: the actor, the permission table and the scope of each kind of row."""
