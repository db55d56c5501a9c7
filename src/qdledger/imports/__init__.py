"""Batch import of CSV/XLSX files: row kinds, reading, checking, applying all-or-nothing."""
