"""The "ledger" repository of REAL-SHAPES.md, built for real with pinned dates.

Every fact a row of `../shared/REAL-SHAPES.md` relies on is placed here on purpose (a def
spanning 190-230, a blank line 88, nine files named helpers.py, two unreadable blobs...), so
a test can quote an analysis line and know what plain git says about it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gitbuild import commit, git, git_env, head, init_repo


def numbered(total: int, placed: dict[int, str], fill: Callable[[int], str]) -> str:
    """A file of `total` lines: `placed` lines where given, `fill(n)` elsewhere."""
    return "".join(placed.get(n, fill(n)) + "\n" for n in range(1, total + 1))


def _settle() -> str:
    placed = {
        1: '"""Settlement."""',
        190: "def settle_batch(batch):",
        212: "    total = sum(batch)",
    }
    placed.update({230: "    return total", 231: "", 232: "def close_books():"})

    def fill(n: int) -> str:
        if 190 < n < 230:
            return f"    step_{n} = len(batch) + {n}"
        if n > 232:
            return f"    book_{n} = {n}"
        return f"SETTLE_{n} = {n}"

    return numbered(250, placed, fill)


def _retry() -> str:
    placed = {
        10: "POLICY = RetryPolicy(",
        11: "    backoff=2,",
        12: "    retry_limit=3,",
        13: ")",
        40: "BACKOFF_DELAYS = [",
        41: "    0.5,",
        42: "    1.0,",
        43: "]",
        44: "",
        45: "def delay_for(base, attempt):",
        46: "    delay = base * 2 ** attempt",
        47: "    return delay",
        88: "",
    }
    return numbered(100, placed, lambda n: f"RETRY_{n} = {n}")


def _boot() -> str:
    placed = {
        26: "def is_test_env(env):",
        27: '    """True under tests."""',
        28: '    if env == "test":',
        29: "        return True",
        30: "    return False",
        120: "def read_settings():",
        121: '    path = "settings.toml"',
        122: "    return load(path)",
        145: "def start_ledger():",
        146: "    settings = read_settings()",
        150: "    pool = open_pool(settings)",
        151: "    return pool",
    }
    return numbered(
        200, placed, lambda n: f"    boot_{n} = {n}" if 146 < n < 150 else f"BOOT_{n} = {n}"
    )


def _deploy() -> str:
    placed = {
        60: "def check_keys(keys):",
        61: "    for key in keys:",
        62: "        validate_key(key)",
        63: "    return True",
        64: "",
        226: "def deploy(skip_keys):",
        227: "    if skip_keys:",
        228: '        print("Skipping key check")',
    }
    return numbered(240, placed, lambda n: f"DEPLOY_{n} = {n}")


def _cli() -> str:
    placed = {
        1: "import argparse",
        2: "parser = argparse.ArgumentParser()",
        10: 'parser.add_argument("--verify-signatures", action="store_true",',
        11: '                    help="enable signature verification")',
        12: "",
        15: 'parser.add_argument("--verify-keys", action="store_true")',
    }
    return numbered(20, placed, lambda n: f"# option {n}")


def _ws() -> str:
    placed = {59: "# lock handling", 60: "", 61: "class LockState:"}
    return numbered(
        100, placed, lambda n: f"    state_{n} = {n}" if 61 < n <= 85 else f"WS_{n} = {n}"
    )


def _helpers() -> str:
    placed = {10: "def is_locked(s: LockState):", 22: "def unlock(s: LockState):"}
    return numbered(30, placed, lambda n: f"HELPER_{n} = {n}")


def _core() -> str:
    placed = {1: "class Ledger:", 2: "    def __init__(self):", 3: "        self.rows = []"}
    return numbered(471, placed, lambda n: f"        self.col_{n} = {n}")


def _adapter() -> str:
    placed = {1: "class LedgerAdapter:"}
    return numbered(59, placed, lambda n: f"    field_{n} = {n}")


LOCKFIX_BEFORE = "import os\n\nTIMEOUT = 5\n"
LOCKFIX_AFTER = "import os\n\nTIMEOUT = 30\n"

CODE: dict[str, str] = {
    "ledger/__init__.py": "",
    "ledger/settle.py": _settle(),
    "ledger/retry.py": _retry(),
    "ledger/boot.py": _boot(),
    "ledger/cli.py": _cli(),
    "ledger/ws.py": _ws(),
    "ledger/helpers.py": _helpers(),
    "ledger/core.py": _core(),
    "ledger/adapter.py": _adapter(),
    "ledger/routes.py": numbered(
        60, {41: 'app.mount("/v2/invoices", invoices_app)'}, lambda n: f"ROUTE_{n} = {n}"
    ),
    "ledger/invoices.py": (
        "router = Router()\n\n\n"
        '@router.get("/list")\ndef list_invoices():\n    return []\n\n\n'
        '@router.get("/export")\ndef export_invoices():\n    return []\n'
    ),
    "ledger/client.py": (
        "class LedgerClient:\n"
        "    def __init__(self, token):\n"
        "        self.token = token\n\n"
        "    def fetch_invoice(self, invoice_id: str) -> Invoice:\n"
        "        return self.get(invoice_id)\n"
    ),
    "ledger/ids.py": numbered(
        14,
        {
            12: "def new_id(prefix):",
            13: "    token = uuid4().hex",
            14: '    return f"{prefix}-{token}"',
        },
        lambda n: f"ID_{n} = {n}",
    ),
    "ledger/notify.py": 'def notify(log, err):\n    log.info(f"Ledger down: {err}")\n',
    "ledger/pricing.py": "def apply_discount(amount, rate):\n    return round(amount * rate, 2)\n",
    "ledger/config.py": 'import os\n\nTOKEN = os.environ["LEDGER_TOKEN"]\n',
    "ledger/loader.py": "def load(name):\n    return __import__(name)\n",
    "ledger/worker.py": numbered(930, {925: "    except Exception:"}, lambda n: f"W_{n} = {n}"),
    "ledger/lockfix.py": LOCKFIX_BEFORE,
    "ledger/managers.py": "".join(f"class Kind{n}Manager:\n    pass\n\n" for n in range(149)),
    "ops/deploy.py": _deploy(),
    "tools/rebuild_index.py": "def main():\n    return 0\n",
    "tests/conftest.py": 'print("Created sandbox ledger for tenant: t-001")\n',
    "tests/unit/ledger_lock/test_lock.py": "def test_lock():\n    assert True\n",
    "CONTRIBUTING.md": "# Contributing\n\nRETRIES ARE IDEMPOTENT, always.\n",
    "docs/INC-12.md": "# INC-12\n\nRetries were replayed twice.\n",
    # Nine files named helpers.py: ledger/helpers.py holds LockState at 10 and 22; one other
    # is 8 lines long, so "line 10" cannot even exist there.
    **{f"pkg{n}/helpers.py": f"VALUE = {n}\n" * (8 if n == 1 else 30) for n in range(1, 9)},
    # 26 test files import Ledger; 24 files use LockState in all (ws, helpers + 22 users).
    **{f"tests/test_core_{n}.py": "from ledger.core import Ledger\n" for n in range(26)},
    **{f"ledger/users/user_{n}.py": f"from ledger.ws import LockState  # {n}\n" for n in range(22)},
}
# Two users' blobs are deleted after the commit: "15+ files use LockState" must still hold,
# saying that two files could not be read.
UNREADABLE = ("ledger/users/user_20.py", "ledger/users/user_21.py")


@dataclass
class Ledger:
    path: Path
    shas: dict[str, str] = field(default_factory=dict)

    def at(self, name: str) -> str:
        return self.shas[name]


def _fast_import(repo: Path, commits: list[tuple[str, str, str, str]], ref: str) -> None:
    """(path, content, subject, ISO-ish epoch) commits appended to `ref` in one process."""
    parent = head(repo, ref)
    lines: list[str] = []
    for number, (path, content, subject, when) in enumerate(commits):
        person = "Ada Auditor <ada@example.com>"
        lines += [f"commit {ref}", f"author {person} {when}", f"committer {person} {when}"]
        lines += [f"data {len(subject.encode())}", subject]
        if number == 0:
            lines.append(f"from {parent}")
        data = content.encode()
        lines += [f"M 100644 inline {path}", f"data {len(data)}", content, ""]
    subprocess.run(
        ["git", "fast-import", "--quiet", "--done"],
        input=("\n".join(lines) + "\ndone\n").encode(),
        cwd=repo,
        env=git_env(),
        check=True,
        capture_output=True,
    )
    git(repo, "reset", "-q", "--hard", ref)


def build_ledger(root: Path) -> Ledger:
    repo = init_repo(root / "ledger")
    built = Ledger(repo)
    built.shas["start"] = commit(repo, CODE, "ledger: first import", "2024-08-21T09:00:00Z")
    # 103 commits touch ledger/, 89 of them with "ledger rewrite" in the subject.
    base = 1_724_317_200  # 2024-08-22 09:00 UTC
    _fast_import(
        repo,
        [
            (
                "ledger/rewrite.log",
                f"step {n}\n",
                f"ledger rewrite: step {n}" if n < 89 else f"tidy {n}",
                f"{base + n * 600} +0000",
            )
            for n in range(102)
        ],
        "refs/heads/main",
    )
    built.shas["cause"] = commit(
        repo, {"ledger/auth.py": "CACHE = {}\n"}, "feat(api): cache tokens", "2024-08-28T10:00:00Z"
    )
    built.shas["fix"] = commit(
        repo,
        {"ledger/auth.py": "CACHE: dict = {}\n"},
        "fix(api): resolve token mismatch causing 403s",
        "2024-08-29T10:00:00Z",
    )
    built.shas["lock_fix"] = commit(
        repo,
        {"ledger/locks.py": "RELEASE_ON_TIMEOUT = True\n"},
        "fix(ledger): release lock on timeout",
        "2024-09-02T10:00:00Z",
    )
    built.shas["code"] = built.shas["lock_fix"]
    return built


def add_document(built: Ledger, path: str, text: str, date: str, name: str) -> str:
    """Commit an analysis the way agents do: on its own, at `date`."""
    built.shas[name] = commit(built.path, {path: text}, f"docs: {Path(path).stem}", date)
    return built.shas[name]


def add_document_with_code(
    built: Ledger, path: str, text: str, files: dict[str, str], date: str, name: str
) -> str:
    """Commit an analysis together with the code change it describes."""
    built.shas[name] = commit(built.path, {path: text, **files}, "fix: lock timeout + RCA", date)
    return built.shas[name]


def drop_blobs(built: Ledger, paths: tuple[str, ...] = UNREADABLE) -> None:
    """Delete the loose objects of these files' blobs, as a partial clone lacks them."""
    for path in paths:
        blob = git(built.path, "rev-parse", f"HEAD:{path}").strip()
        (built.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
