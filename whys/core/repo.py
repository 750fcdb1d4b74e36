"""The only module that runs git (with its parts, repo_*.py). Every call treats the
repository as untrusted.

Why not GitPython's runner: `git.cmd.Git.execute` spawns git in the repository with the
caller's whole environment and whatever the repository's config says (fsmonitor, textconv,
pager, includeIf...), and its object-by-object iteration is several times slower than one
streamed `git log`. So every git process here goes through `_git_argv` / `_spawn`, which
put the safety overrides first and scrub the environment, and hot paths read one streamed
process with NUL-separated records.

The parts: repo_process.py (environment, argv, streams), repo_parse.py (output parsers),
repo_base.py (running git, revisions, commits), repo_log.py, repo_history.py and
repo_grep.py (groups of GitRepo's commands). Every name stays importable from here.

Revisions given by a person are resolved once (`resolve_revision`, after
`--end-of-options`) and only the resulting full object id reaches other git commands;
patterns go after `-e` or in stuck form (`-S<text>`), paths after `--`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from whys.core.lazyre import lazy_compile
from whys.core.repo_base import GitRepoBase
from whys.core.repo_grep import (
    _EMPTY_TREE,
    _UNREADABLE_BLOB,
    _UNREADABLE_PATH,
    GREP_TIMEOUT_SECONDS,
    GrepMixin,
    GrepOutcome,
    _Deadline,
    _grep_records,
    _grep_skipped_objects,
)
from whys.core.repo_history import DIFF_LIMIT_BYTES, HistoryMixin
from whys.core.repo_log import _CLOSE_CANDIDATES, _WORD_RE, LogMixin, _words
from whys.core.repo_parse import (
    _C_ESCAPES,
    _COMMIT_LOG_FIELDS,
    _EPOCH,
    _GIT_SPACE,
    _LOG_FIELDS,
    _LOG_FORMAT,
    LOG_FIELDS,
    _as_git_date,
    _build_commit,
    _commit_class,
    _commit_from_fields,
    _commit_from_raw,
    _is_option_shaped,
    _log_batches,
    _log_records,
    _normalise_repo_path,
    _parse_ident_time,
    _parse_line_porcelain,
    _parse_numstat,
    _set_attribute,
    _unquote_path,
    parse_iso_date,
    subject_of,
)
from whys.core.repo_process import (
    _BAD_REVISION_RE,
    _FULL_SHA_RE,
    _HEX_RE,
    _HUNK_RE,
    _KEEP_GIT_ENV,
    _MISSING_OBJECT_RE,
    _OBJECT_IN_MESSAGE_RE,
    _READ_CHUNK,
    NO_DRIVERS,
    SAFE_CONFIG,
    Background,
    MissingObjectError,
    NotARepositoryError,
    _first_line,
    _git_argv,
    _records,
    _safe_env,
    _Stream,
    git_executable,
    unnamed_file,
)
from whys.errors import BadInputError, BadRepoError, BadRevisionError

# Every name this module offered before it was split into its repo_*.py parts: callers still
# import them from here.
__all__ = [
    "Background",
    "BlobReader",
    "DIFF_LIMIT_BYTES",
    "GREP_TIMEOUT_SECONDS",
    "GitRepo",
    "GitRepoBase",
    "GrepMixin",
    "GrepOutcome",
    "HistoryMixin",
    "LOG_FIELDS",
    "LogMixin",
    "MissingObjectError",
    "NO_DRIVERS",
    "NotARepositoryError",
    "SAFE_CONFIG",
    "_BAD_REVISION_RE",
    "_CLOSE_CANDIDATES",
    "_COMMIT_LOG_FIELDS",
    "_C_ESCAPES",
    "_Deadline",
    "_EMPTY_TREE",
    "_EPOCH",
    "_FULL_SHA_RE",
    "_GIT_SPACE",
    "_HEX_RE",
    "_HUNK_RE",
    "_KEEP_GIT_ENV",
    "_LOG_FIELDS",
    "_LOG_FORMAT",
    "_MISSING_OBJECT_RE",
    "_OBJECT_IN_MESSAGE_RE",
    "_READ_CHUNK",
    "_Stream",
    "_UNREADABLE_BLOB",
    "_UNREADABLE_PATH",
    "_WORD_RE",
    "_as_git_date",
    "_build_commit",
    "_commit_class",
    "_commit_from_fields",
    "_commit_from_raw",
    "_first_line",
    "_git_argv",
    "_grep_records",
    "_grep_skipped_objects",
    "_is_option_shaped",
    "_log_batches",
    "_log_records",
    "_normalise_repo_path",
    "_parse_ident_time",
    "_parse_line_porcelain",
    "_parse_numstat",
    "_records",
    "_safe_env",
    "_set_attribute",
    "_unquote_path",
    "_words",
    "branches_and_tags",
    "git_config_value",
    "git_executable",
    "missing_history_objects",
    "open_repo",
    "parse_iso_date",
    "resolve_prefixes",
    "subject_of",
    "subjects_matching",
    "symlink_paths",
]

# The result dataclasses, imported on first use so that listing history and searching load
# only what they use (whys/core/repo_models.py; CommitInfo from whys/core/models.py).
_LAZY_MODELS = {
    "BlameLine": "whys.core.repo_models",
    "FileStat": "whys.core.repo_models",
    "CommitDetail": "whys.core.repo_models",
    "CommitInfo": "whys.core.models",
}


def __getattr__(name: str) -> object:
    module = _LAZY_MODELS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


class GitRepo(HistoryMixin, GrepMixin):
    """An opened repository. Build it with `open_repo`."""

    # -- trees and files ---------------------------------------------------------------

    def list_files(self, rev: str) -> list[str]:
        """Every file path in the tree of `rev` (cached per commit)."""
        sha = self._commit_id(rev)
        cached = self._files_cache.get(sha)
        if cached is None:
            _, out, _ = self._run(["ls-tree", "-r", "-z", "--full-tree", "--name-only", sha])
            cached = [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]
            self._files_cache[sha] = cached
        return list(cached)

    def read_file(self, rev: str, path: str) -> bytes | None:
        """The blob at `path` in `rev`, exactly as stored (no filters, no textconv); None when
        the path is not a file there or points outside the tree."""
        sha = self._commit_id(rev)
        normal = _normalise_repo_path(path)
        if normal is None:
            return None
        # ls-tree reads only trees, so a missing blob is told apart from a missing path.
        _, listing, _ = self._run(["ls-tree", "-z", "--full-tree", sha, "--", normal])
        blob = None
        for entry in listing.split(b"\0"):
            meta, _, name = entry.partition(b"\t")
            fields = meta.split()
            if name.decode("utf-8", "surrogateescape") == normal and len(fields) == 3:
                blob = fields[2].decode("ascii") if fields[1] == b"blob" else None
        if blob is None or not _FULL_SHA_RE.match(blob):
            return None
        code, content, stderr = self._run(["cat-file", "blob", blob], ok_codes=(0, 128))
        if code != 0:
            raise MissingObjectError(
                f"{self.root}: blob {blob} for {normal} at {sha[:12]} is missing", [blob]
            )
        return content

    def worktree_is_clean(self) -> bool:
        """Whether the working tree holds exactly HEAD's tracked files (untracked files
        aside): only then does a search of the working tree speak for HEAD. A clone made
        with --no-checkout, or edited files, do not."""
        if self.is_bare:
            return False
        args = ["status", "--porcelain", "-z", "--untracked-files=no", "--ignore-submodules=all"]
        code, out, _ = self._run(args, ok_codes=(0, 128))
        return code == 0 and not out.strip(b"\0")

    def tracked_ignored(self) -> set[str]:
        """Tracked files that `.gitignore` (or `.git/info/exclude`) patterns match: a search
        that goes by those patterns, as rg does, passes them by."""
        args = ["ls-files", "-z", "--cached", "--ignored", "--exclude-standard"]
        code, out, _ = self._run(args, ok_codes=(0, 128))
        if code != 0:
            return set()
        return {p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p}

    def worktree_changes(self) -> set[str] | None:
        """Tracked paths whose working-tree (or staged) content differs from HEAD's, or
        None when the working tree cannot stand for HEAD at all (a bare repository, a
        sparse checkout whose absent files git would not report)."""
        if self.is_bare:
            return None
        code, sparse, _ = self._run(
            ["config", "--bool", "core.sparseCheckout"], ok_codes=(0, 1, 128)
        )
        if code == 128 or sparse.strip() == b"true":
            return None
        args = [
            "status",
            "--porcelain",
            "-z",
            "--untracked-files=no",
            "--ignore-submodules=all",
            "--no-renames",
        ]
        code, out, _ = self._run(args, ok_codes=(0, 128))
        if code != 0:
            return None
        # "XY path": a rename would add its source as another field; --no-renames has none.
        return {
            entry[3:].decode("utf-8", "surrogateescape")
            for entry in out.split(b"\0")
            if len(entry) > 3
        }

    def ask_working_tree_early(self) -> None:
        """Start `worktree_changes` and `tracked_ignored` in the background now: a check
        whose search can read the working tree asks both first thing, and asked while the
        analysis is still being read they are answered by then (on zen, 0.2 s each). The
        next search to need them takes the answers (`early_working_tree_answer`); a later
        one asks again, since the tree may have changed. `drop_early_answers` forgets
        answers nobody took."""
        if self.is_bare or self._early_answers:
            return
        self._early_answers = {
            "changes": Background(self.worktree_changes),
            "hidden": Background(self.tracked_ignored),
        }

    def early_working_tree_answer(self, question: str) -> Background | None:
        """The answer asked by `ask_working_tree_early` to "changes" or "hidden", taken
        (None: not asked, or taken already)."""
        return self._early_answers.pop(question, None)

    def drop_early_answers(self) -> None:
        self._early_answers = {}

    # -- ancestry ----------------------------------------------------------------------

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        older = self._commit_id(ancestor)
        newer = self._commit_id(descendant)
        code, _, _ = self._run(["merge-base", "--is-ancestor", older, newer], ok_codes=(0, 1))
        return code == 0

    def containing_refs(self, sha: str) -> tuple[list[str], list[str]]:
        """(branches, tags) whose tip contains the commit; remote branches as `origin/x`."""
        full = self._commit_id(sha)
        _, out, _ = self._run(
            [
                "for-each-ref",
                f"--contains={full}",
                "--format=%(refname)",
                "refs/heads",
                "refs/remotes",
                "refs/tags",
            ]
        )
        return branches_and_tags(out.decode("utf-8", "replace").splitlines())

    # -- configuration -----------------------------------------------------------------

    def config_value(self, key: str, *, path: bool = False) -> str | None:
        """`key` from git's config as seen in this repository (the user's and the
        repository's own; never the system's), `--path` expanded when `path`; None unset.
        Only reads a value: nothing it names is run."""
        if not isinstance(key, str) or not _CONFIG_KEY_RE.match(key):
            raise BadInputError(f"{key!r} is not a git config key")
        args = ["config", *(["--path"] if path else []), "--get", key]
        code, out, _ = self._run(args, ok_codes=(0, 1))
        value = out.decode("utf-8", "surrogateescape").rstrip("\n")
        return value if code == 0 and value else None


_CONFIG_KEY_RE = lazy_compile(r"^[A-Za-z][A-Za-z0-9-]*(\.[^\s=]+)*\.[A-Za-z][A-Za-z0-9-]*$")


def git_config_value(key: str) -> str | None:
    """`key` from the user's own (global) git config, never from a repository's; None when
    unset. For the auditor's identity and SSH signing key (user.email, user.signingkey)."""
    if not isinstance(key, str) or not _CONFIG_KEY_RE.match(key):
        raise BadInputError(f"{key!r} is not a git config key")
    import tempfile  # here only: see unnamed_file

    completed = subprocess.run(
        [git_executable(), "--no-pager", "config", "--global", "--includes", "--get", key],
        cwd=tempfile.gettempdir(),
        env=_safe_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )
    if completed.returncode != 0:
        return None
    value = completed.stdout.decode("utf-8", "replace").rstrip("\n")
    return value or None


def open_repo(path: Path | str) -> GitRepo:
    """Open the repository at (or containing) `path`. Not a usable repository: BadRepoError."""
    location = Path(path).expanduser()
    if not location.exists():
        raise BadRepoError(f"{location}: no such directory")
    if not location.is_dir():
        raise BadRepoError(f"{location}: not a directory")
    location = location.resolve()
    # One git for all four: outside a working tree (a bare repository, a .git folder) the
    # last fails, after printing the first three.
    completed = subprocess.run(
        _git_argv(
            [
                "rev-parse",
                "--absolute-git-dir",
                "--is-bare-repository",
                "--is-shallow-repository",
                "--show-toplevel",
            ]
        ),
        cwd=location,
        env=_safe_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )
    stderr = completed.stderr.decode("utf-8", "replace")
    values = completed.stdout.decode("utf-8", "surrogateescape").splitlines()
    outside_work_tree = "must be run in a work tree" in stderr and len(values) == 3
    if completed.returncode != 0 and not outside_work_tree:
        if "dubious ownership" in stderr:
            raise BadRepoError(f"{location}: git refuses a repository owned by another user")
        if "not a git repository" in stderr.lower():
            raise NotARepositoryError(f"{location} is not a git repository")
        reason = _first_line(stderr).removeprefix("fatal: ") or "git failed"
        raise BadRepoError(f"{location}: not a usable git repository ({reason})")
    if len(values) < 3:
        raise BadRepoError(f"{location}: not a usable git repository")
    git_dir = Path(values[0])
    is_bare = values[1].strip() == "true"
    is_shallow = values[2].strip() == "true"
    if is_bare:
        root = git_dir
    else:
        toplevel = values[3].strip() if len(values) > 3 else ""
        root = Path(toplevel).resolve() if toplevel else location
        if root != location and root not in location.parents:
            # core.worktree in the repository's own config can aim git (and the working-tree
            # search) at any folder on the machine: refuse rather than read outside.
            raise BadRepoError(
                f"{location}: the repository's config puts its working tree at {root}, "
                "outside it; refused"
            )
    _refuse_borrowed_repository(location, root, git_dir, is_bare)
    return GitRepo(root=root, git_dir=git_dir, is_bare=is_bare, is_shallow=is_shallow)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _vouches_for(git_dir: Path, root: Path) -> bool:
    """A git dir outside the working tree that is legitimately this tree's: a linked
    worktree's (its `gitdir` file names this tree's `.git`) or a submodule's (kept under
    `.git/modules/` of a repository that contains this tree)."""
    try:
        back = (git_dir / "gitdir").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        back = ""
    if back and Path(back).resolve() == (root / ".git").resolve():
        return True
    parts = git_dir.parts
    for index in range(len(parts) - 2):
        if parts[index] == ".git" and parts[index + 1] == "modules":
            superproject = Path(*parts[:index])
            if _inside(root, superproject):
                return True
    return False


def _alternates(objects: Path) -> list[str]:
    try:
        text = (objects / "info" / "alternates").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _refuse_borrowed_repository(location: Path, root: Path, git_dir: Path, is_bare: bool) -> None:
    """A working copy that shows another repository's content is refused, as core.worktree
    is: a `.git` file (or link) aiming at another repository's git dir, or objects borrowed
    from outside (objects/info/alternates) that would let a claim "verify" a commit this
    repository does not have."""
    git_dir = git_dir.resolve()
    if not is_bare and not _inside(git_dir, root) and not _vouches_for(git_dir, root):
        raise BadRepoError(
            f"{location}: its .git points at another repository ({git_dir}); refused"
        )
    common = git_dir
    try:
        pointer = (git_dir / "commondir").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        pointer = ""
    if pointer:
        common = (git_dir / pointer).resolve()
    home = root if not is_bare else git_dir
    for objects in dict.fromkeys([git_dir / "objects", common / "objects"]):
        for entry in _alternates(objects):
            target = (objects / entry).resolve() if not Path(entry).is_absolute() else Path(entry)
            if not _inside(target.resolve(), home):
                raise BadRepoError(
                    f"{location}: borrows objects from {target} (objects/info/alternates); "
                    "refused: a claim could verify a commit this repository does not have "
                    "(`git repack -a -d` and removing the alternates file make it standalone)"
                )


# added by checks: batch lookups the claim checks need, one git process for many claims.


def resolve_prefixes(repo: GitRepo, prefixes: Iterable[str]) -> dict[str, list[str]]:
    """For each hex prefix, the full SHAs of the commits it names (0 missing, 2+ ambiguous).

    One `cat-file --batch-check` answers every unambiguous prefix; only prefixes git calls
    ambiguous (or that name a non-commit) cost a `resolve_prefix` each."""
    wanted = list(dict.fromkeys(p.lower() for p in prefixes))
    for prefix in wanted:
        if not _HEX_RE.match(prefix):
            raise BadRevisionError(f"{prefix!r} is not a hexadecimal commit id (4-64 digits)")
    if not wanted:
        return {}
    stdin = "".join(f"{prefix}\n" for prefix in wanted).encode("ascii")
    _, out, _ = repo._run(["cat-file", "--batch-check=%(objectname) %(objecttype)"], stdin=stdin)
    answers = out.decode("ascii", "replace").splitlines()
    resolved: dict[str, list[str]] = {}
    for prefix, answer in zip(wanted, answers, strict=False):
        name, _, kind = answer.partition(" ")
        if kind == "commit" and _FULL_SHA_RE.match(name):
            resolved[prefix] = [name]
        elif kind == "missing":
            resolved[prefix] = []
    for prefix in wanted:
        if prefix not in resolved:
            resolved[prefix] = repo.resolve_prefix(prefix)
    return resolved


def missing_history_objects(repo: GitRepo) -> list[str] | None:
    """None when every commit reachable from a ref can be read; otherwise the object ids git
    reported missing (a damaged or partial clone). One quiet `rev-list` over commits only,
    asked once per opened repository: every check run on it (the parent's, HEAD's) shares it."""
    if repo._missing_history is False:
        try:
            repo._run(["rev-list", "--quiet", "--all"])
            repo._missing_history = None
        except MissingObjectError as error:
            repo._missing_history = error.missing or ["(unnamed)"]
    return repo._missing_history  # type: ignore[return-value]


def repository_state(repo: GitRepo) -> str:
    """A digest of what a check reads besides its revision's history and tree: every ref
    (an analysis names branches and tags, and "the fix is in v1.5" changes when a tag
    moves), how many objects the clone holds (a fetch or a repair can make a missing commit
    or blob readable) and where a shallow history ends. While it and the revision hold, a
    check comes out the same. Two quick git calls (10 ms on zen)."""
    import hashlib

    _, refs, _ = repo._run(["for-each-ref", "--format=%(objectname) %(refname)"])
    _, objects, _ = repo._run(["count-objects", "-v"])
    digest = hashlib.sha256(refs)
    digest.update(b"\0" + objects + b"\0")
    digest.update("\n".join(sorted(repo.shallow_roots)).encode("ascii"))
    return digest.hexdigest()


def symlink_paths(repo: GitRepo, rev: str, paths: Iterable[str]) -> dict[str, str]:
    """Which of `paths` are symlinks in the tree of `rev`: path -> the link target as stored
    (never followed). One `ls-tree` for the paths asked about, one `cat-file` for targets."""
    sha = repo._commit_id(rev)
    wanted = [p for p in dict.fromkeys(paths) if _normalise_repo_path(p) is not None]
    if not wanted:
        return {}
    # Tree paths can hold pathspec magic (":(exclude)x" is a legal file name): literal only.
    _, out, _ = repo._run(
        ["--literal-pathspecs", "ls-tree", "-z", "--full-tree", sha, "--", *wanted]
    )
    blobs: list[tuple[str, str]] = []
    for record in out.split(b"\0"):
        if not record.startswith(b"120000 "):
            continue
        meta, _, path = record.partition(b"\t")
        blobs.append((meta.split()[2].decode("ascii"), path.decode("utf-8", "surrogateescape")))
    links: dict[str, str] = {}
    if blobs:
        stdin = "".join(f"{blob}\n" for blob, _ in blobs).encode("ascii")
        _, content, _ = repo._run(["cat-file", "--batch"], stdin=stdin)
        position = 0
        for _blob, path in blobs:
            end = content.index(b"\n", position)
            header = content[position:end].split()
            position = end + 1
            if len(header) < 3 or header[1] != b"blob":
                continue
            size = int(header[2])
            links[path] = content[position : position + size].decode("utf-8", "surrogateescape")
            position += size + 1
    return links


def subjects_matching(
    repo: GitRepo,
    rev: str | Sequence[str],
    texts: Sequence[str],
    *,
    since: datetime | None = None,
    all_match: bool = False,
    limit: int | None = None,
) -> list[tuple[str, str]]:
    """(full SHA, subject) of commits reachable from `rev` (or any of several) whose message
    contains any of `texts` (all of them with `all_match`), ignoring case, newest first. git
    filters the history itself, so only the matches reach Python; `since` bounds the walk."""
    wanted = [t for t in texts if t and "\0" not in t and "\n" not in t]
    starts = [rev] if isinstance(rev, str) else list(rev)
    if not wanted or not starts:
        return []
    shas = list(dict.fromkeys(repo._commit_id(start) for start in starts))
    args = ["log", "-z", "--format=%H%x00%s", "--fixed-strings", "--regexp-ignore-case"]
    if all_match:
        args.append("--all-match")
    if since is not None:
        args.append(f"--since={_as_git_date(since)}")
    args += [f"--grep={text}" for text in wanted]
    args += ["--end-of-options", *shas, "--"]
    stream = repo._stream(args)
    pairs: list[tuple[str, str]] = []
    pair: list[bytes] = []
    try:
        for token in _records(stream.chunks()):
            pair.append(token)
            if len(pair) == 2:
                subject = " ".join(pair[1].decode("utf-8", "replace").split())
                pairs.append((pair[0].decode("ascii", "replace"), subject))
                pair = []
                if limit is not None and len(pairs) >= limit:
                    stream.kill()
                    break
    finally:
        stream.kill_if_output_pending()
        repo._check_stream(stream, args)
    return pairs


def branches_and_tags(refs: Iterable[str]) -> tuple[list[str], list[str]]:
    """Full ref names as (branches, tags), sorted; remote branches as `origin/x`."""
    branches: list[str] = []
    tags: list[str] = []
    for ref in refs:
        if ref.startswith("refs/heads/"):
            branches.append(ref.removeprefix("refs/heads/"))
        elif ref.startswith("refs/remotes/") and not ref.endswith("/HEAD"):
            branches.append(ref.removeprefix("refs/remotes/"))
        elif ref.startswith("refs/tags/"):
            tags.append(ref.removeprefix("refs/tags/"))
    return sorted(branches), sorted(tags)


class BlobReader:
    """File contents at past revisions from one long-lived `git cat-file --batch`.

    `GitRepo.read_file` costs two git processes a file (`ls-tree`, then `cat-file blob`);
    a check that reads hundreds of cited files should open one reader instead and close it
    when done (`with BlobReader(repo) as blobs: blobs.read(sha, path)`). Same answers as
    `read_file`: the blob exactly as stored (no filters, no textconv), None when the path
    is not a file there, MissingObjectError when the tree names a blob the repository
    lacks. Not thread-safe: one reader per thread.
    """

    def __init__(self, repo: GitRepo) -> None:
        self.repo = repo
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            self.close()
            self._stderr = unnamed_file()  # closed in close()
            self._process = subprocess.Popen(
                _git_argv(["cat-file", "--batch"]),
                cwd=self.repo.root,
                env=_safe_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
        return self._process

    @property
    def pid(self) -> int | None:
        """The git process serving the reads (None before the first read)."""
        return self._process.pid if self._process is not None else None

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def _ask(self, name: str) -> tuple[str, bytes | None]:
        """(object type or "missing", content) for one object name."""
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
            process.stdin.flush()
            header = process.stdout.readline()
        except (BrokenPipeError, OSError):
            header = b""
        fields = header.split()
        if len(fields) == 2 and fields[1] in (b"missing", b"ambiguous"):
            return "missing", None
        if len(fields) != 3 or not fields[2].isdigit():
            self.close()
            raise BadRepoError(f"git cat-file stopped answering in {self.repo.root}")
        size = int(fields[2])
        content = process.stdout.read(size + 1)[:size]
        return fields[1].decode("ascii", "replace"), content

    def read(self, rev: str, path: str) -> bytes | None:
        """The blob at `path` in the commit `rev` (a full SHA is used as is)."""
        sha = self.repo._commit_id(rev)
        normal = _normalise_repo_path(path)
        if normal is None:
            return None
        if "\n" in normal:
            return self.repo.read_file(sha, normal)  # the batch protocol is line-based
        kind, content = self._ask(f"{sha}:{normal}")
        if kind == "blob":
            return content
        if kind != "missing":
            return None  # a folder (tree) or a submodule's commit
        # "missing" means either no such path or a blob the repository lacks: the parent
        # folder's tree tells which.
        folder, _, name = normal.rpartition("/")
        entry = self._tree_entry(sha, folder, name)
        if entry is None or not entry[0].startswith(("100", "120")):
            return None
        raise MissingObjectError(
            f"{self.repo.root}: blob {entry[1]} for {normal} at {sha[:12]} is missing", [entry[1]]
        )

    def _tree_entry(self, sha: str, folder: str, name: str) -> tuple[str, str] | None:
        """(mode, object id) of `name` in the tree of `folder` at `sha`; None if absent."""
        kind, tree = self._ask(f"{sha}:{folder}" if folder else f"{sha}^{{tree}}")
        if kind != "tree" or tree is None:
            return None
        width = len(sha) // 2  # a raw object id: 20 bytes (SHA-1) or 32 (SHA-256)
        wanted = name.encode("utf-8", "surrogateescape")
        position = 0
        while position < len(tree):
            space = tree.index(b" ", position)
            nul = tree.index(b"\0", space)
            mode, entry_name = tree[position:space], tree[space + 1 : nul]
            object_id = tree[nul + 1 : nul + 1 + width]
            position = nul + 1 + width
            if entry_name == wanted:
                return mode.decode("ascii"), object_id.hex()
        return None
