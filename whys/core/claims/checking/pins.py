"""Evidence pins: evidence whose content is exactly what `evidence.rerun` produces for its
query, so `whys verify` sees drift only when the repository changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from whys.core.claims.checking.common import CREATED_BY
from whys.core.evidence import KIND_OF_OP, EvidenceKind, canonical_query, make_evidence, run_query
from whys.core.models import Claim, CommitInfo, Evidence

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext


class Pins:
    """Evidence for one run's claims; queries already run are not run again."""

    def __init__(self, context: CheckContext) -> None:
        self.context = context
        self.repo = context.repo
        self.revision = context.revision
        self._queries: dict[str, tuple[str, str, str]] = {}

    def pin(
        self, claim: Claim, kind: EvidenceKind, summary: str, query: dict[str, Any], content: str
    ) -> list[Evidence]:
        """Evidence whose content is exactly what `evidence.rerun` produces for `query`, so
        `whys verify` sees drift only when the repository changed."""
        return [
            make_evidence(
                kind,
                summary,
                query,
                self.revision,
                content,
                why=claim.why,
                claim=claim.id,
                created_by=CREATED_BY,
            )
        ]

    def collect(self, claim: Claim, query: dict[str, Any]) -> list[Evidence]:
        """Evidence by running the query (when the check's own result is not the same);
        grep and count queries need no pinning, so a prefetched result serves."""
        key = canonical_query(query)
        if key not in self._queries:
            self._queries[key] = run_query(self.repo, query, self.revision)
        sha, summary, content = self._queries[key]
        kind = KIND_OF_OP[str(query["op"])]
        return [
            make_evidence(
                kind,
                summary,
                query,
                sha,
                content,
                why=claim.why,
                claim=claim.id,
                created_by=CREATED_BY,
            )
        ]

    def commit_evidence(self, claim: Claim, cited: str, info: CommitInfo) -> list[Evidence]:
        """The `commit` query's content, built from what the check already read."""
        contained = self.context.contains(info.sha)
        content = "\n".join(
            [
                f"commit {info.sha}",
                f"subject {info.subject}",
                f"author {info.author_name} <{info.author_email}> {info.author_date.isoformat()}",
                f"committer {info.committer_name} {info.committer_date.isoformat()}",
                f"in {self.revision}: {'yes' if contained else 'no'}",
            ]
        )
        inside = "in" if contained else "not in"
        summary = f"{info.sha[:12]} {info.subject!r} ({inside} {self.revision[:12]})"
        return self.pin(claim, "commit", summary, {"op": "commit", "sha": cited}, content)

    def missing_commit_evidence(self, claim: Claim, cited: str, found: int) -> list[Evidence]:
        what = "no such commit" if not found else f"ambiguous: {found} commits"
        return self.pin(
            claim, "commit", f"commit {cited}: {what}", {"op": "commit", "sha": cited}, f"({what})"
        )

    def file_evidence(self, claim: Claim, path: str, start: int, end: int) -> list[Evidence]:
        lines = self.context.tree.lines_of(path)
        if lines is None:
            return []
        excerpt = [f"{n}: {lines[n - 1]}" for n in range(start, min(end, len(lines)) + 1)]
        if end > len(lines):
            excerpt.append(f"(the file has {len(lines)} lines)")
        summary = f"{path}:{start}-{end} at {self.revision[:12]}"
        query = {"op": "file", "path": path, "start": start, "end": end}
        return self.pin(claim, "file", summary, query, "\n".join(excerpt))
