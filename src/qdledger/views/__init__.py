"""Read models: SQLite tables built from the event log with sqlite-utils, incremental and rebuildable."""
