"""erasure-docs: Connecticut record-relief filings for survivors of human trafficking."""

__version__ = "0.1.0"
