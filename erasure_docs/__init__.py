"""erasure-docs: Connecticut record-relief filings for survivors of human trafficking."""

__version__ = "0.1.0"
from erasure_docs.api import *  # noqa  LOCAL SHIM
from erasure_docs.api import ErasureDocsError, InputRef, Renderers, build_packet, check, validate, write_packet  # noqa
