"""SSH signatures over verdict files: `ssh-keygen -Y sign / verify`, namespace whys-verdict.

The same mechanism git uses for SSH commit signing, so anyone can check a verdict file with
plain OpenSSH and an allowed_signers file, without whys:

    ssh-keygen -Y verify -f allowed_signers -I PRINCIPAL -n whys-verdict -s OUT.json.sig < OUT.json

Several auditors can sign one file: the first signature is OUT.json.sig, each further one
OUT.json.2.sig, OUT.json.3.sig, ... (each verifies with the same command line). A key that
already signed the file is refused (AlreadySignedError) unless forced, which replaces that
key's signature instead of adding a duplicate.

ssh-keygen never gets a terminal or standard input from us (a new session, stdin from
/dev/null, askpass off) and runs under a timeout, so a passphrase-protected key with no
agent fails at once with a clear message instead of waiting for a prompt nobody sees.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import shutil
import stat
import struct
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from whys.core.atomic import atomic_write_bytes
from whys.core.lazyre import lazy_compile
from whys.errors import BadInputError, SigningError

NAMESPACE = "whys-verdict"
SSH_KEYGEN_TIMEOUT_SECONDS = 60.0
_NUMBERED_SIGNATURE = lazy_compile(r"\.(\d+)\.sig$")
_ARMOUR = lazy_compile(
    rb"-----BEGIN SSH SIGNATURE-----(?P<body>.*?)-----END SSH SIGNATURE-----", re.DOTALL
)


class AlreadySignedError(SigningError):
    """The key already signed this file; `existing` is that signature file."""

    def __init__(self, message: str, existing: Path) -> None:
        super().__init__(message)
        self.existing = existing


@dataclass
class SignatureCheck:
    """The outcome for one signature file. `ok`: intact and, with a trust list, made by a
    key it allows; `trusted`: checked against a trust list (False: integrity only)."""

    signature: Path
    ok: bool
    principals: list[str] = field(default_factory=list)
    detail: str = ""
    fingerprint: str = ""  # SHA256:... of the signer's key, as ssh-keygen -l prints it
    trusted: bool = False


@dataclass(frozen=True)
class TrustList:
    """An allowed_signers file and where it was found (said to the user)."""

    path: Path
    source: str


CONVENTIONAL_TRUST_FILES = (".whys/allowed_signers", ".github/allowed_signers")
MAX_TRUST_FILE_BYTES = 1 << 20


def _ssh_keygen_path() -> str:
    found = shutil.which("ssh-keygen")
    if found is None:
        raise SigningError("ssh-keygen was not found on PATH (install OpenSSH 8.2 or newer)")
    return found


def _quiet_environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment["SSH_ASKPASS_REQUIRE"] = "never"
    environment.pop("DISPLAY", None)
    environment.pop("SSH_ASKPASS", None)
    return environment


def _run_ssh_keygen(
    arguments: list[str], *, data: bytes | None = None, timeout: float = SSH_KEYGEN_TIMEOUT_SECONDS
) -> subprocess.CompletedProcess[bytes]:
    command = [_ssh_keygen_path(), *arguments]
    try:
        return subprocess.run(
            command,
            input=data,
            stdin=subprocess.DEVNULL if data is None else None,
            capture_output=True,
            timeout=timeout,
            env=_quiet_environment(),
            start_new_session=True,  # no controlling terminal: a passphrase prompt cannot block
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise SigningError(
            f"ssh-keygen did not finish within {timeout:.0f} s (is it waiting for a passphrase "
            "or a security key touch?)"
        ) from error
    except OSError as error:
        raise SigningError(f"cannot run ssh-keygen: {error.strerror or error}") from error


def _last_error_line(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = [
        line.strip()
        for line in result.stderr.decode("utf-8", "replace").splitlines()
        if line.strip() and not line.startswith(("Signing file", "Write signature"))
    ]
    return lines[-1] if lines else f"ssh-keygen exited with {result.returncode}"


# ---------------------------------------------------------------------------------------------
# Which signature files belong to a verdict file


def signature_paths(path: Path) -> list[Path]:
    """Every signature of `path`, in signing order: PATH.sig, then PATH.2.sig, PATH.3.sig..."""
    path = Path(path)
    found: list[tuple[int, Path]] = []
    first = path.with_name(path.name + ".sig")
    if _is_signature_file(first):
        found.append((1, first))
    for candidate in path.parent.glob(f"{glob_escape(path.name)}.*.sig"):
        match = _NUMBERED_SIGNATURE.search(candidate.name)
        if (
            match
            and candidate.name == f"{path.name}.{match.group(1)}.sig"
            and _is_signature_file(candidate)
        ):
            found.append((int(match.group(1)), candidate))
    return [item for _, item in sorted(found)]


MAX_SIGNATURE_BYTES = 64 << 10


def _is_signature_file(candidate: Path) -> bool:
    """A regular file of a signature's size, not a link: a planted `.sig` link could point
    at a device or a FIFO that blocks whoever reads it."""
    try:
        status = candidate.lstat()
    except OSError:
        return False
    return stat.S_ISREG(status.st_mode) and status.st_size <= MAX_SIGNATURE_BYTES


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def next_signature_path(path: Path) -> Path:
    path = Path(path)
    existing = signature_paths(path)
    if not existing:
        return path.with_name(path.name + ".sig")
    numbers = [1]
    for item in existing:
        match = _NUMBERED_SIGNATURE.search(item.name)
        if match:
            numbers.append(int(match.group(1)))
    return path.with_name(f"{path.name}.{max(numbers) + 1}.sig")


def remove_signatures(path: Path) -> list[Path]:
    """Delete every signature of `path` (they no longer match once the file changed)."""
    removed = []
    for signature in signature_paths(path):
        signature.unlink(missing_ok=True)
        removed.append(signature)
    return removed


def signer_public_key(signature: Path) -> bytes | None:
    """The public key blob inside an SSH signature file (PROTOCOL.sshsig: "SSHSIG",
    version, then the key as an SSH string); None when the file is no readable signature."""
    try:
        armoured = Path(signature).read_bytes()
    except OSError:
        return None
    match = _ARMOUR.search(armoured)
    if match is None:
        return None
    try:
        blob = base64.b64decode(b"".join(match["body"].split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    if not blob.startswith(b"SSHSIG") or len(blob) < 14:
        return None
    (length,) = struct.unpack(">I", blob[10:14])
    key = blob[14 : 14 + length]
    return key if length and len(key) == length else None


def key_fingerprint(public_key: bytes) -> str:
    """`SHA256:...` of an SSH public key blob, the form `ssh-keygen -l` prints."""
    digest = hashlib.sha256(public_key).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def key_type(public_key: bytes) -> str:
    if len(public_key) < 4:
        return "unknown"
    (length,) = struct.unpack(">I", public_key[:4])
    name = public_key[4 : 4 + length]
    return name.decode("ascii", "replace") if length and len(name) == length else "unknown"


def signature_by_key(path: Path, public_key: bytes) -> Path | None:
    """The existing signature of `path` made with `public_key`, if any."""
    for signature in signature_paths(path):
        if signer_public_key(signature) == public_key:
            return signature
    return None


# ---------------------------------------------------------------------------------------------
# Signing


def user_git_config(key: str) -> str | None:
    """A value from the user's git config, through the only module that runs git."""
    from whys.core import repo as git_layer

    config_value = getattr(git_layer, "git_config_value", None)
    if config_value is None:
        return None
    value = config_value(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _usable_trust_file(path: Path, inside: Path | None = None) -> bool:
    """A regular file of sane size (and, for a file found in a repository, one that stays
    inside it: a planted link to elsewhere is not the repository's trust list)."""
    try:
        if inside is not None:
            resolved = path.resolve()
            if resolved != inside and inside not in resolved.parents:
                return False
        status = path.stat()
    except (OSError, RuntimeError):
        return False
    return stat.S_ISREG(status.st_mode) and status.st_size <= MAX_TRUST_FILE_BYTES


def find_trust_list(explicit: Path | None, repo: object | None) -> TrustList | None:
    """Where the allowed signers are, looked up the git way: `--allowed-signers`, then
    `gpg.ssh.allowedSignersFile` (git's config as seen from the repository: the user's and
    the repository's own), then a conventional file in the repository
    (.whys/allowed_signers, .github/allowed_signers). None: no trust list anywhere."""
    if explicit is not None:
        if not _usable_trust_file(Path(explicit)):
            raise BadInputError(f"no allowed signers file at {explicit}")
        return TrustList(Path(explicit), "--allowed-signers")
    root: Path | None = getattr(repo, "root", None)
    configured: str | None = None
    config_value = getattr(repo, "config_value", None)
    if callable(config_value):
        configured = config_value("gpg.ssh.allowedSignersFile", path=True)
    else:
        configured = user_git_config("gpg.ssh.allowedSignersFile")
    if configured:
        candidate = Path(os.path.expanduser(configured))
        if not candidate.is_absolute() and root is not None:
            candidate = root / candidate
        if _usable_trust_file(candidate):
            return TrustList(candidate, "git config gpg.ssh.allowedSignersFile")
    if root is not None and not getattr(repo, "is_bare", False):
        for name in CONVENTIONAL_TRUST_FILES:
            candidate = root / name
            if _usable_trust_file(candidate, inside=root.resolve()):
                return TrustList(candidate, f"the repository's {name}")
    return None


def configured_signing_key() -> Path:
    """git's user.signingkey when gpg.format is ssh; SigningError when there is none."""
    if (user_git_config("gpg.format") or "").lower() != "ssh":
        raise SigningError("no signing key given and git's gpg.format is not ssh (use --sign-key)")
    key = user_git_config("user.signingkey")
    if key is None:
        raise SigningError("no signing key given and git has no user.signingkey (use --sign-key)")
    if key.startswith("key::"):
        raise SigningError("git's user.signingkey is a literal key; pass its file with --sign-key")
    return Path(os.path.expanduser(key))


def sign_file(path: Path, key: Path | None = None, *, force: bool = False) -> Path:
    """Sign `path` with an SSH key (default: git's SSH signing key); returns the signature
    file. A file signed before gets one more signature, it never loses one. When this key
    signed it already: AlreadySignedError naming that signature, or with `force`, a fresh
    signature replaces it (never a duplicate)."""
    path = Path(path)
    if not path.is_file():
        raise BadInputError(f"no file to sign at {path}")
    key = Path(key) if key is not None else configured_signing_key()
    if not key.is_file():
        raise SigningError(f"no SSH key at {key}")
    destination = next_signature_path(path)
    if destination.is_symlink():
        raise SigningError(
            f"refusing to write the signature {destination}: it is a symbolic link "
            "(remove it, then sign again)"
        )
    with tempfile.TemporaryDirectory(prefix="whys-sign-") as scratch:
        # ssh-keygen always writes FILE.sig beside FILE: sign a copy so the Nth signature
        # cannot overwrite an earlier one.
        copy = Path(scratch) / "verdict"
        shutil.copyfile(path, copy)
        result = _run_ssh_keygen(["-Y", "sign", "-f", str(key), "-n", NAMESPACE, str(copy)])
        produced = copy.with_name(copy.name + ".sig")
        if result.returncode != 0 or not produced.is_file():
            message = _last_error_line(result)
            if "passphrase" in message.lower():
                message = (
                    f"the key {key} needs a passphrase and no ssh-agent holds it "
                    "(add it with ssh-add, then sign again)"
                )
            raise SigningError(f"could not sign {path}: {message}")
        if copy.read_bytes() != path.read_bytes():
            raise SigningError(f"{path} changed while it was being signed; sign it again")
        # Known only now: the signer's public key, from the signature (works for keys in
        # an agent or on a security key, where no .pub file need exist).
        public_key = signer_public_key(produced)
        existing = signature_by_key(path, public_key) if public_key is not None else None
        if existing is not None:
            if not force:
                raise AlreadySignedError(
                    f"{path} is already signed with this key ({existing}); "
                    "use --force to sign it again",
                    existing,
                )
            destination = existing
        # Written as a new file (temp + rename): a `.sig` link planted beside the verdict
        # file is refused, never followed to wherever it points.
        atomic_write_bytes(
            destination,
            produced.read_bytes(),
            what="write signature",
            private=False,
            symlinks="refuse",
        )
    return destination


# ---------------------------------------------------------------------------------------------
# Verifying


def _check_one(data: bytes, signature: Path, allowed_signers: Path | None) -> SignatureCheck:
    public_key = signer_public_key(signature)
    fingerprint = key_fingerprint(public_key) if public_key is not None else ""
    key = f"{key_type(public_key)} key {fingerprint}" if public_key is not None else "no key"
    if allowed_signers is None:
        result = _run_ssh_keygen(
            ["-Y", "check-novalidate", "-n", NAMESPACE, "-s", str(signature)], data=data
        )
        if result.returncode == 0:
            return SignatureCheck(
                signature,
                True,
                [],
                f"intact, signed by {key}; no trust list says who that is",
                fingerprint,
            )
        return SignatureCheck(signature, False, [], _last_error_line(result), fingerprint)
    found = _run_ssh_keygen(
        ["-Y", "find-principals", "-s", str(signature), "-f", str(allowed_signers)]
    )
    principals = [
        line.strip() for line in found.stdout.decode("utf-8", "replace").splitlines() if line
    ]
    if found.returncode != 0 or not principals:
        return SignatureCheck(
            signature,
            False,
            [],
            f"signed by {key}, which is not in the allowed signers",
            fingerprint,
            trusted=True,
        )
    failures = []
    for principal in principals:
        result = _run_ssh_keygen(
            [
                "-Y",
                "verify",
                "-f",
                str(allowed_signers),
                "-I",
                principal,
                "-n",
                NAMESPACE,
                "-s",
                str(signature),
            ],
            data=data,
        )
        if result.returncode == 0:
            return SignatureCheck(
                signature,
                True,
                [principal],
                f"good signature by {principal}",
                fingerprint,
                trusted=True,
            )
        failures.append(_last_error_line(result))
    return SignatureCheck(signature, False, principals, failures[-1], fingerprint, trusted=True)


def verify_signatures(
    path: Path, allowed_signers: Path | None = None, *, data: bytes | None = None
) -> list[SignatureCheck]:
    """Check every signature of `path` (empty list: unsigned). With `allowed_signers`, each
    must be by a listed principal for namespace whys-verdict; without, each must be intact.
    `data` is the file's content when the caller already read it (so both check one read)."""
    path = Path(path)
    if allowed_signers is not None and not _usable_trust_file(Path(allowed_signers)):
        raise BadInputError(f"no allowed signers file at {allowed_signers}")
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise BadInputError(f"cannot read {path}: {error.strerror or error}") from error
    return [_check_one(data, signature, allowed_signers) for signature in signature_paths(path)]
