"""The generic workflow engine: it knows no particular process and no Flask request."""
