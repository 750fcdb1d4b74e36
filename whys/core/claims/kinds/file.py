"""File claims: a path named on its own ("`payments/client.py` holds the retry")."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from whys.core.claims.checking.common import (
    MAX_LISTED,
    result,
)
from whys.core.claims.checking.files import as_proposal
from whys.core.claims.checking.paths import MODULE, is_module, paths_for, resolve_module
from whys.core.claims.drafts import Draft
from whys.core.claims.kind import Prefetch
from whys.core.claims.mentions import LineMentions, _code_spans, _first
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim, ClaimCheck

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

NAME = "file"
IN_FENCES = True  # only shell sessions: `python tools/rebuild_index.py --all` runs a file

# A folder in backticks: `tests/unit/ledger_lock/`, `scripts/`.
_FOLDER = lazy_compile(r"(?:\./|/)?[A-Za-z_][\w.\-]*(?:/[\w.\-]+)*/")
# Unquoted, a folder needs two parts: `tests/e2e/staging/`, `/netra_backend/app/monitoring/`.
_PLAIN_FOLDER = lazy_compile(r"(?<![\w/.:`-])/?[A-Za-z_][\w.\-]*(?:/[\w.\-]+)+/(?=[\s),.;:]|$)")
_UNTRACKED = lazy_compile(r"(?:^|[\\/])\.env(?:\.[\w\-]+)*$")
# Runtimes and libraries named like files: "Node.js containers start slowly".
_PRODUCTS = {
    "node.js", "next.js", "nuxt.js", "vue.js", "react.js", "express.js", "angular.js",
    "ember.js", "backbone.js", "three.js", "chart.js", "d3.js", "socket.io", "nest.js",
}  # fmt: skip
# "`x_factory.py` was explicitly removed": the sentence says the file is gone.
_GONE = lazy_compile(
    r"[`'\"*_\s]*(?:(?:was|were|has been|have been|is|are|got)[*_\s]+)?(?:\w+ly[*_\s]+)?"
    r"(?:removed|deleted|gone|no longer exists?|does not exist|doesn't exist)\b",
    re.IGNORECASE,
)
# "Successfully removed websocket_manager_factory.py": the file is the thing removed.
_GONE_BEFORE = lazy_compile(
    r"(?:^|[\s*_])(?:removed|deleted|eliminated)\s+(?:the\s+)?(?:file\s+)?[`*_\"']*$",
    re.IGNORECASE,
)
# "No centralized `SSOT_REGISTRY.md`": the sentence says there is no such file.
_NONE_BEFORE = lazy_compile(r"(?:^|[\s*_])(?:no|without)\s+(?:\w+\s+)?[`*_\"']*$", re.IGNORECASE)
# "Missing `__init__.py` files", "`x.py` not found": said missing, often at run time (in an
# image, on a path), so a file the tree holds does not contradict it.
_MISSING_AFTER = lazy_compile(r"[`'\"*_\s]*(?:(?:was|is)\s+)?not\s+found\b", re.IGNORECASE)
_MISSING_BEFORE = lazy_compile(r"(?:^|[\s*_])missing\s+[`*_\"']*$", re.IGNORECASE)


def _named_anywhere(context: CheckContext, path: str) -> bool:
    return path.replace("\\", "/").rsplit("/", 1)[-1] in context.tree.by_name


def _after_path(line: LineMentions, column: int) -> int:
    ref = next((r for r in line.paths if r.start == column), None)
    return ref.end if ref else column


_COMMENT = lazy_compile(r"^\s*(?:#(?!!)|//|REM\b)")


def assemble(line: LineMentions, earlier: list[Draft]) -> list[Draft]:
    """Every path of the line no line-range or symbol draft used; a folder in backticks
    or a command's folder; inside a fence, what `_fence_paths` gives."""
    if line.in_fence:
        return _fence_paths(line, earlier)
    used = {d.uses_path for d in earlier}
    found = [
        Draft(ref.start, "file", path=ref.path)
        for ref in line.paths
        if ref.start not in used and ref.path.lower() not in _PRODUCTS
    ]
    for draft in found:
        _negation(draft, line.raw, _after_path(line, draft.column))
    if "/`" in line.raw:
        for column, span in _code_spans(line.raw):
            if _FOLDER.fullmatch(span) and not any(r.start <= column <= r.end for r in line.paths):
                found.append(Draft(column, "file", path=span))
    if "`" in line.raw:
        found += _modules(line)
    if "cd " in line.raw or "/ " in line.raw:
        # "`cd tests/e2e/staging && python -c ...`": a command in a code span.
        for column, span in _code_spans(line.raw):
            if _COMMAND.match(span) or _CD.search(span):
                found += _command_folders(span, column + 1, found)
    if "/ " in line.raw or line.raw.rstrip().endswith("/"):
        taken = {d.column for d in found}
        for match in _PLAIN_FOLDER.finditer(line.raw):
            if not any(abs(match.start() - c) <= 2 for c in taken):
                found.append(Draft(match.start(), "file", path=match.group(0)))
    return found


def _modules(line: LineMentions) -> list[Draft]:
    """`netra_backend.app.websocket_core` in backticks: a module, by its import path."""
    found = []
    for column, span in _code_spans(line.raw):
        if (
            MODULE.fullmatch(span)
            and span.split(".")[0] not in _NOT_PACKAGES
            and not any(r.start <= column + 1 < r.end for r in line.paths)
        ):
            draft = Draft(column + 1, "file", path=span)
            _negation(draft, line.raw, column + 1 + len(span))
            found.append(draft)
    return found


# Objects, not packages: `self.config.timeout`, `request.app.state`.
_NOT_PACKAGES = {"self", "cls", "this", "request", "response", "app", "os", "sys", "settings"}


def _negation(draft: Draft, raw: str, after: int) -> None:
    """A file said to be gone ("was removed", "No `x.md`") or said missing ("`x.py` not
    found", "Missing `__init__.py`"): its stance is negated; only the first kind says
    the tree lacks it (relation `not-in-revision`), so only it is contradicted by a file
    that is there."""
    before = raw[max(0, draft.column - 40) : draft.column]
    if _GONE.match(raw, after) or _NONE_BEFORE.search(before) or _GONE_BEFORE.search(before):
        draft.stance = "negated"
        draft.relation = "not-in-revision"
    elif _MISSING_AFTER.match(raw, after) or _MISSING_BEFORE.search(before):
        draft.stance = "negated"


# A command line in any fence: `python tools/rebuild_index.py --all`, `$ pytest tests/x.py`.
_COMMAND = lazy_compile(
    r"^\s*(?:\$\s+)?(?:python3?(?:\s+-m)?|pytest|node|bash|sh|source|cat|less|head|tail|vim?"
    r"|grep|rg|ls|diff|git\s+(?:log|show|diff|blame)|docker\s+build|terraform|cd|\./)\s*\S"
)
# A folder a command works on: `pytest tests/e2e/goldenpath/`, `terraform plan infra/`.
_ARG_FOLDER = lazy_compile(r"(?<![\w/.:=~$@-])(?:\./)?[A-Za-z_][\w.\-]*(?:/[\w.\-]+)*/(?=\s|$)")
# `cd tests/e2e/staging && ...`: the folder a command moves into.
_CD = lazy_compile(
    r"(?:^|&&|;|\|\||\$)\s*cd\s+(?P<folder>(?:\./)?[A-Za-z_][\w.\-]*(?:/[\w.\-]+)*)/?"
    r"(?=\s|$|&&|;)"
)
# A fence comment that writes a new file: "# Create scripts/check.py".
# ("# Add to x.py" changes a file that is there.)
_CREATES = lazy_compile(
    r"^\s*(?:#|//)\s*(?:create|new file|add(?!\s+(?:to|in|into)\b))\b", re.IGNORECASE
)
# A fence line listing one file and nothing else: `✅ C:\src\tests\e2e\test_x.py`.
_LISTED = lazy_compile(
    r"^\s*(?:[-*+]\s+|\d{1,3}[.)]\s+|(?:\u2705|\u2714\ufe0f?|\u2713)\s*)?(\S+)\s*$"
)


# A code fence line naming one module: `infrastructure.vpc_fix  # Missing module`.
_MODULE_LISTED = lazy_compile(
    r"^\s*(?P<module>[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+)\s*(?:(?:#|//)\s*(?P<note>.*))?$"
)
_GONE_NOTE = lazy_compile(
    r"\b(?:missing|not found|removed|deleted|eliminated|gone|no longer exists?)\b", re.IGNORECASE
)


def _fence_module(line: LineMentions) -> list[Draft]:
    """A code fence line that is a module's import path alone (a listing of modules), its
    comment perhaps saying it is missing."""
    match = _MODULE_LISTED.match(line.raw)
    module = match.group("module") if match else ""
    if not match or not is_module(module) or module.split(".")[0] in _NOT_PACKAGES:
        return []
    draft = Draft(match.start("module"), "file", path=module)
    if _GONE_NOTE.search(match.group("note") or ""):
        draft.stance = "negated"
        draft.relation = "not-in-revision"
    return [draft]


def _fence_paths(line: LineMentions, earlier: list[Draft]) -> list[Draft]:
    """Inside a fence: a comment's paths (`# File: tests/e2e/x.py`, `# Update app/db.py`;
    a proposal when it creates the file); a line that only lists a path; in a shell
    session or a command line, the relative paths and folders its commands name."""
    if line.block is None:
        return []
    used = {d.uses_path for d in earlier}
    refs = [r for r in line.paths if r.start not in used and r.line_start is None]
    if _COMMENT.match(line.raw):
        found = [Draft(r.start, "file", path=r.path) for r in refs if "://" not in r.path]
        for draft in found:
            _negation(draft, line.raw, _after_path(line, draft.column))
            if _CREATES.match(line.raw):
                # A file the plan will create: not in the revision, as the plan sees it.
                draft.stance = "proposed"
                draft.relation = "not-in-revision"
        return found
    if line.block.fence == "code" and "." in line.raw and not refs:
        return _fence_module(line)
    listed = _LISTED.match(line.raw)
    if listed and len(refs) == 1 and listed.group(1).rstrip(".,:;") == refs[0].path:
        return [Draft(refs[0].start, "file", path=refs[0].path)]
    if line.block.fence != "shell" and not _COMMAND.match(line.raw):
        return []
    found = [
        Draft(ref.start, "file", path=ref.path)
        for ref in refs
        if not ref.path.startswith(("/", "~")) and ":" not in ref.path
    ]
    return found + _command_folders(line.raw, 0, found)


def _command_folders(command: str, offset: int, found: list[Draft]) -> list[Draft]:
    """The folders a command names: its `dir/` arguments and the folder it `cd`s into."""
    taken = {d.column for d in found}
    folders: list[Draft] = []
    for match in _first(_ARG_FOLDER.finditer(command)):
        if match.start() + offset not in taken:
            folders.append(Draft(match.start() + offset, "file", path=match.group(0)))
    for match in _first(_CD.finditer(command)):
        column = match.start("folder") + offset
        if column not in taken and not any(d.column == column for d in folders):
            folders.append(Draft(column, "file", path=match.group("folder") + "/"))
    return folders


# Fence lines at most this far apart are taken for one shell session.
_SESSION_GAP = 3


def settle(claims: list[Claim], paragraphs: dict[str, int]) -> None:
    """A file a fence runs keeps, in `context_names`, the other files the same session
    runs (`python tests/a.py` / `python tests/b.py`): whether the session is about files
    the tree has."""
    session: list[Claim] = []
    for claim in [c for c in claims if c.kind == "file" and c.in_code_fence and c.path]:
        if session and (
            claim.line - session[-1].line > _SESSION_GAP or claim.why != session[-1].why
        ):
            _share_session(session)
            session = []
        session.append(claim)
    _share_session(session)


def _share_session(session: list[Claim]) -> None:
    for claim in session:
        claim.context_names = [c.path for c in session if c is not claim and c.path]


# Paths the tree lacks whose last change is looked up during prefetch: each is a walk of
# the history, worth running beside the other queries, but not for a list of hundreds.
MAX_REMOVED_PREFETCH = 8


def prefetch(context: CheckContext, claims: list[Claim]) -> Prefetch:
    """The tree listing, and the last change of the paths it lacks (which commit removed
    them: a history walk each, so they run beside the tree search, not after it)."""
    named = [c for c in claims if c.path]
    jobs = {"removed paths": lambda: _look_up_removed(context, named)} if named else {}
    return Prefetch(jobs=jobs, path_claims=named)


def _look_up_removed(context: CheckContext, claims: list[Claim]) -> None:
    looked_up: set[str] = set()
    for claim in claims:
        if (
            claim.kind != "file"
            or is_module(claim.path or "")
            or _UNTRACKED.search(claim.path or "")
        ):
            continue
        _, failed = paths_for(context.tree, claim)
        written = _removed_path(claim) if failed and failed.status == "contradicted" else None
        if written and written not in looked_up:
            looked_up.add(written)
            context.tree.last_change(written)
            if len(looked_up) >= MAX_REMOVED_PREFETCH:
                return


def check(context: CheckContext, claim: Claim) -> ClaimCheck:
    return _check_file(context, claim)


def _session_runs_real_files(context: CheckContext, claim: Claim) -> bool:
    """Whether the same session's other commands run files the tree has: then a file it
    lacks is a wrong path, not a plan's script still to be written (those come alone)."""
    for other in claim.context_names:
        written = replace(claim, path=other)
        resolved, failed = paths_for(context.tree, written)
        if resolved is not None and failed is None and not other.endswith("/"):
            return True
    return False


def _removed_path(claim: Claim) -> str | None:
    """The repository path to look for in the history, when the written one can be one."""
    written = (claim.path or "").replace("\\", "/").lstrip("/")
    while written.startswith("./"):
        written = written[2:]
    if not written or written.endswith("/") or ".." in written.split("/") or ":" in written:
        return None
    return written


def _removed(context: CheckContext, claim: Claim) -> ClaimCheck | None:
    """A path the tree lacks that the history had: the commit that took it away."""
    written = _removed_path(claim)
    if written is None:
        return None
    last = context.tree.last_change(written)
    if last is None:
        return None
    return result(
        claim,
        "contradicted",
        f"no file matches `{claim.path}` at {context.revision[:12]}: `{written}` was removed "
        f"(last changed by {last.sha[:12]} {last.subject!r}, "
        f"{last.committer_date.date().isoformat()})",
    )


def _check_module(context: CheckContext, claim: Claim) -> ClaimCheck:
    """A module by its import path: its file or package folder, from the tree."""
    tree, at = context.tree, context.revision[:12]
    resolved = resolve_module(claim.path or "", tree.files, tree.by_name)
    if resolved.matches:
        listed = ", ".join(f"`{m}`" for m in resolved.matches[:MAX_LISTED])
        if claim.stance == "negated":
            # A module is the code's own: "`a.b` not found" with `a/b.py` in the tree is
            # wrong about the code (unlike a file missing from an image).
            return result(claim, "contradicted", f"said to be missing, but {listed} exists at {at}")
        return result(claim, "verified", f"`{claim.path}` is {listed} at {at}")
    if claim.stance == "negated":
        return result(claim, "verified", f"no module `{claim.path}` at {at}, as the claim says")
    # `a.b.c` may be a name inside `a/b.py`, or a package installed from elsewhere.
    return as_proposal(
        claim,
        result(claim, "unverifiable", f"no file or folder of the tree is `{claim.path}` at {at}"),
    )


def _check_file(context: CheckContext, claim: Claim) -> ClaimCheck:
    if claim.path and is_module(claim.path):
        return _check_module(context, claim)
    resolved, failed = paths_for(context.tree, claim)
    if failed or resolved is None:
        assert failed is not None
        if failed.status == "contradicted" and _UNTRACKED.search(claim.path or ""):
            # `.env.local` is kept out of git on purpose: its absence says nothing.
            return result(
                claim, "unverifiable", f"`{claim.path}` is not tracked (env files rarely are)"
            )
        gone = _removed(context, claim) if failed.status == "contradicted" else None
        if gone is not None and claim.stance != "negated":
            return as_proposal(claim, gone)
        if (
            failed.status == "contradicted"
            and claim.in_code_fence
            and not _named_anywhere(context, claim.path or "")
            and not _session_runs_real_files(context, claim)
        ):
            # A command running a script no file of the tree is named like: the plan's
            # script still to be written, more likely than a wrong path.
            return result(
                claim,
                "unverifiable",
                f"no file is named like `{claim.path}` at {context.revision[:12]}: "
                "a command for a file still to be created?",
            )
        if failed.status == "contradicted" and claim.stance == "negated":
            return result(claim, "verified", f"no file matches `{claim.path}`, as the claim says")
        return as_proposal(claim, failed)
    at = context.revision[:12]
    if claim.stance == "proposed" and claim.relation == "not-in-revision":
        listed = ", ".join(f"`{m}`" for m in resolved.matches[:MAX_LISTED])
        return result(
            claim,
            "unverifiable",
            f"a proposal to create `{claim.path}`, but {listed} exists at {at}",
        )
    if claim.stance == "negated":
        if len(resolved.matches) == 1 and claim.relation == "not-in-revision":
            found = resolved.matches[0]
            return result(
                claim, "contradicted", f"`{found}` still exists at {at}; the claim says it is gone"
            )
        if len(resolved.matches) == 1:
            # "`x.py` not found": a failure at run time (an image, a path) may not be the
            # tree's; the file being there does not settle it.
            return result(
                claim,
                "unverifiable",
                f"said to be missing, but `{resolved.matches[0]}` exists at {at} "
                "(missing at run time, perhaps)",
            )
        listed = ", ".join(f"`{m}`" for m in resolved.matches[:MAX_LISTED])
        return result(
            claim, "unverifiable", f"said to be gone; files of that name remain: {listed}"
        )
    if len(resolved.matches) == 1:
        found = resolved.matches[0]
        if found == claim.path:
            detail = f"`{found}` exists at {at}"
        else:
            how = f" ({resolved.note})" if resolved.note else ""
            detail = f"`{claim.path}` resolves to `{found}`{how}, which exists at {at}"
    else:
        listed = ", ".join(f"`{m}`" for m in resolved.matches[:MAX_LISTED])
        detail = f"`{claim.path}` is ambiguous: {len(resolved.matches)} files match ({listed})"
    return result(claim, "verified", detail)
