"""SSH signatures with real keys made by ssh-keygen, checked by whys and by plain OpenSSH."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest

from whys.core.signing import (
    AlreadySignedError,
    remove_signatures,
    sign_file,
    signature_paths,
    signer_public_key,
    verify_signatures,
)
from whys.errors import SigningError

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen")

PLAIN_VERIFY = (
    "ssh-keygen -Y verify -f allowed_signers -I {principal} -n whys-verdict -s {signature} "
    "< OUT.json"
)


def make_key(folder: Path, name: str, passphrase: str = "") -> Path:
    key = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f", str(key)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return key


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "OUT.json").write_bytes(b'{\n  "result": "rejected"\n}\n')
    return folder


@pytest.fixture
def keys(tmp_path: Path, workdir: Path) -> dict[str, Path]:
    folder = tmp_path / "keys"
    folder.mkdir()
    made = {name: make_key(folder, name) for name in ("ana", "bo", "mallory")}
    allowed = "".join(
        f"{name}@example.com {made[name].with_suffix('.pub').read_text()}" for name in ("ana", "bo")
    )
    (workdir / "allowed_signers").write_text(allowed)
    return made


def plain_verify(workdir: Path, principal: str, signature: str) -> subprocess.CompletedProcess:
    """Exactly the README's command line, run by a shell in the verdict file's folder."""
    return subprocess.run(
        ["sh", "-c", PLAIN_VERIFY.format(principal=principal, signature=signature)],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )


def test_signature_verifies_with_plain_ssh_keygen(workdir: Path, keys: dict[str, Path]) -> None:
    signature = sign_file(workdir / "OUT.json", keys["ana"])
    assert signature == workdir / "OUT.json.sig"
    plain = plain_verify(workdir, "ana@example.com", "OUT.json.sig")
    assert plain.returncode == 0, plain.stderr
    assert 'Good "whys-verdict" signature for ana@example.com' in plain.stdout
    [check] = verify_signatures(workdir / "OUT.json", workdir / "allowed_signers")
    assert check.ok and check.principals == ["ana@example.com"]


def test_one_changed_byte_fails(workdir: Path, keys: dict[str, Path]) -> None:
    sign_file(workdir / "OUT.json", keys["ana"])
    verdict = workdir / "OUT.json"
    data = bytearray(verdict.read_bytes())
    data[data.index(b"rejected")] = ord("R")
    verdict.write_bytes(bytes(data))
    assert plain_verify(workdir, "ana@example.com", "OUT.json.sig").returncode != 0
    [check] = verify_signatures(verdict, workdir / "allowed_signers")
    assert not check.ok
    [intact] = verify_signatures(verdict, None)
    assert not intact.ok


def test_signer_not_in_allowed_signers_fails(workdir: Path, keys: dict[str, Path]) -> None:
    sign_file(workdir / "OUT.json", keys["mallory"])
    [check] = verify_signatures(workdir / "OUT.json", workdir / "allowed_signers")
    assert not check.ok
    assert check.detail.startswith("signed by ssh-ed25519 key SHA256:")
    assert check.detail.endswith("which is not in the allowed signers")
    assert plain_verify(workdir, "ana@example.com", "OUT.json.sig").returncode != 0


def test_signature_for_another_namespace_fails(workdir: Path, keys: dict[str, Path]) -> None:
    subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-f", str(keys["ana"]), "-n", "git", "OUT.json"],
        cwd=workdir,
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    [check] = verify_signatures(workdir / "OUT.json", workdir / "allowed_signers")
    assert not check.ok
    assert "namespace" in check.detail
    assert plain_verify(workdir, "ana@example.com", "OUT.json.sig").returncode != 0


def test_second_reviewer_adds_a_signature(workdir: Path, keys: dict[str, Path]) -> None:
    first = sign_file(workdir / "OUT.json", keys["ana"])
    second = sign_file(workdir / "OUT.json", keys["bo"])
    assert (first.name, second.name) == ("OUT.json.sig", "OUT.json.2.sig")
    assert signature_paths(workdir / "OUT.json") == [first, second]
    assert plain_verify(workdir, "ana@example.com", "OUT.json.sig").returncode == 0
    assert plain_verify(workdir, "bo@example.com", "OUT.json.2.sig").returncode == 0
    checks = verify_signatures(workdir / "OUT.json", workdir / "allowed_signers")
    assert [(c.ok, c.principals) for c in checks] == [
        (True, ["ana@example.com"]),
        (True, ["bo@example.com"]),
    ]


def test_signing_again_with_the_same_key_is_refused_unless_forced(
    workdir: Path, keys: dict[str, Path]
) -> None:
    verdict = workdir / "OUT.json"
    first = sign_file(verdict, keys["ana"])
    first_bytes = first.read_bytes()
    with pytest.raises(AlreadySignedError, match=r"already signed with this key .*OUT\.json\.sig"):
        sign_file(verdict, keys["ana"])
    assert signature_paths(verdict) == [first] and first.read_bytes() == first_bytes

    second = sign_file(verdict, keys["bo"])
    with pytest.raises(AlreadySignedError) as refused:
        sign_file(verdict, keys["bo"])
    assert refused.value.existing == second

    # Forced: ana's signature is made again in place, not added a second time.
    assert sign_file(verdict, keys["ana"], force=True) == first
    assert signature_paths(verdict) == [first, second]
    checks = verify_signatures(verdict, workdir / "allowed_signers")
    assert [(c.ok, c.principals) for c in checks] == [
        (True, ["ana@example.com"]),
        (True, ["bo@example.com"]),
    ]


def test_the_signer_key_is_read_from_the_signature(workdir: Path, keys: dict[str, Path]) -> None:
    signature = sign_file(workdir / "OUT.json", keys["ana"])
    public_line = keys["ana"].with_suffix(".pub").read_text().split()
    assert signer_public_key(signature) == base64.b64decode(public_line[1])
    assert signer_public_key(workdir / "allowed_signers") is None  # not a signature


def test_passphrase_key_without_agent_fails_at_once(
    tmp_path: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    locked = make_key(tmp_path, "locked", passphrase="correct horse")
    with pytest.raises(SigningError, match="needs a passphrase and no ssh-agent holds it"):
        sign_file(workdir / "OUT.json", locked)
    assert signature_paths(workdir / "OUT.json") == []


def test_missing_key_is_a_clear_error(workdir: Path, tmp_path: Path) -> None:
    with pytest.raises(SigningError, match="no SSH key at"):
        sign_file(workdir / "OUT.json", tmp_path / "nope")


def test_without_allowed_signers_integrity_is_still_checked(
    workdir: Path, keys: dict[str, Path]
) -> None:
    sign_file(workdir / "OUT.json", keys["mallory"])
    [check] = verify_signatures(workdir / "OUT.json", None)
    assert check.ok and not check.trusted
    fingerprint = subprocess.run(
        ["ssh-keygen", "-l", "-f", f"{keys['mallory']}.pub"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[1]
    assert check.fingerprint == fingerprint  # the one `ssh-keygen -l` prints for the key
    assert check.detail.startswith(f"intact, signed by ssh-ed25519 key {fingerprint}")


def test_remove_signatures(workdir: Path, keys: dict[str, Path]) -> None:
    sign_file(workdir / "OUT.json", keys["ana"])
    sign_file(workdir / "OUT.json", keys["bo"])
    (workdir / "OUT.json.x.sig").write_text("not ours")
    assert len(remove_signatures(workdir / "OUT.json")) == 2
    assert sorted(p.name for p in workdir.iterdir()) == [
        "OUT.json",
        "OUT.json.x.sig",
        "allowed_signers",
    ]
