"""erasure-docs: Connecticut record-relief filings for survivors of human trafficking.

The Python API (erasure_docs/api.py) is re-exported here and imported on first use, so that
`import erasure_docs` stays instant and `check` never loads the renderers:

    import erasure_docs as ed
    case, problems = ed.validate("sample_cases/nolle.yaml")
    print(ed.check(case).summary)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from erasure_docs.api import (Case, ErasureDocsError, FolderExists, InputRef, LoadedCase, NotAPacketFolder,
                                  Packet, PacketOptionError, Problem, Renderers, Repacked, RepackError, Report,
                                  WordNotExported, Written, build_packet, check, check_writable, document_kinds,
                                  load_cases, plan_for_folder, repack_folder, validate, work_copy, write_case_folder,
                                  write_packet, write_work_copy)

__all__ = ["Case", "ErasureDocsError", "FolderExists", "InputRef", "LoadedCase", "NotAPacketFolder", "Packet",
           "PacketOptionError", "Problem", "RepackError", "Repacked", "Renderers", "Report", "WordNotExported",
           "Written", "__version__", "build_packet", "check", "check_writable", "document_kinds", "load_cases",
           "plan_for_folder", "repack_folder", "validate", "work_copy", "write_case_folder", "write_packet",
           "write_work_copy"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from erasure_docs import api

        return getattr(api, name)
    raise AttributeError(f"module 'erasure_docs' has no attribute {name!r}")
