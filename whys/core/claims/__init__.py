"""Claims: what an analysis says that a repository can settle, extracted and checked.

Layout (where a new shape goes):
- `mentions.py`   what one line names (paths, line spans, code names, quotes); shared
                  recognisers for several kinds.
- `kinds/<kind>.py`  one module per claim kind: `assemble` (mentions -> drafts),
                  `prefetch`, `check`; listed in `kinds/__init__.py` (`KINDS`).
- `kind.py`       the protocol a kind implements, and `Prefetch`.
- `extract.py`    the document loop: lines in, `Claim`s out (`extract_claims`).
- `checking/`     the services checks share: tree and texts, path resolution, code-name
                  patterns, subject index, cited commits, evidence pins, the run context.
- `timeline.py`   the rules over the cited commits taken together.
History (walk, ancestry, containing refs) is `whys.core.history`.
"""

from whys.core.claims.extract import extract_claims
from whys.core.claims.mentions import MAX_PER_LINE, MAX_SCAN, code_names

__all__ = ["MAX_PER_LINE", "MAX_SCAN", "code_names", "extract_claims"]
