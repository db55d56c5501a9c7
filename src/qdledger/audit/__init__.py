"""The auditor's toolkit: bitemporal history, the tamper-evident chain, verify, exports, bundles."""
