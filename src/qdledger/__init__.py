"""qdledger: an append-only, event-sourced ledger for Qingdao's science-and-technology funds."""

__version__ = "0.1.0"
