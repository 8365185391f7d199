"""The job queue: document layout, batch chunks, lists and scheduled work, run by ``assistance
worker`` processes on any number of machines against the same PostgreSQL (Procrastinate), or, on
SQLite, the embedded default, by threads of the web process itself (``in_process``). The tasks are
declared once (``tasks``); both backends run them the same way."""
