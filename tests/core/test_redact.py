"""Credential redaction: what looks like a secret goes, evidence that only looks busy stays."""

from __future__ import annotations

from pathlib import Path

import pytest
from session_samples import LEAKED_JWT_SECRET

from whys.core.redact import Redaction, redact_text, redact_tree

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

# Assembled at run time so no scanner mistakes this file for a leak.
GITHUB_TOKEN = "ghp_" + "R8nq2LwZ5cV7xJ0bT4yK1mP9sD6fH3gA2eUo"
AWS_KEY_ID = "AKIA" + "Q3EXAMPLE7RT2VZ4"
JWT = (
    "eyJhbGciOiJIUzI1NiJ9"
    + ".eyJzdWIiOiJhZG1pbiIsImlhdCI6MTUxNjIzOTAyMn0"
    + ".Sfl9KxwRJSMeKKF2QT4fwpMeJf36POk6y"
)
PRIVATE_KEY = (
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "-----END OPENSSH PRIVATE KEY-----"
)


@pytest.mark.parametrize(
    ("text", "kind", "kept"),
    [
        (f"JWT_SECRET_STAGING={LEAKED_JWT_SECRET}", "secret-assignment", "JWT_SECRET_STAGING="),
        (f'token = "{GITHUB_TOKEN}"', "github-token", "token = "),
        (f"export AWS_ACCESS_KEY_ID={AWS_KEY_ID}", "aws-access-key", "export AWS_ACCESS_KEY_ID="),
        (
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
            "secret-assignment",
            "aws_secret_access_key = ",
        ),
        (f"Authorization: Bearer {JWT}", "jwt", "Authorization: Bearer "),
        (
            "curl -H 'Authorization: Bearer 9f8a7b6c5d4e3f2a1b0c9d8e'",
            "bearer-token",
            "curl -H 'Authorization: Bearer ",
        ),
        (f"key file:\n{PRIVATE_KEY}\nend", "private-key", "key file:\n"),
        ('DB_PASSWORD: "hunter2!"', "secret-assignment", "DB_PASSWORD: "),
        ('{"client_secret": "s3cr3t-Val-998877"}', "secret-assignment", '{"client_secret": '),
        ("postgres://app:Pa55w0rd-x@db.internal:5432/app", "url-password", "postgres://app:"),
        ("--api-key=Zx81mQ0vLr7TwY2k", "secret-assignment", "--api-key="),
    ],
)
def test_credentials_are_redacted_and_named(text: str, kind: str, kept: str) -> None:
    redacted, found = redact_text(text)
    assert found[kind] >= 1
    assert f"[REDACTED:{kind}]" in redacted
    assert redacted.startswith(kept)
    for secret_piece in (
        LEAKED_JWT_SECRET,
        GITHUB_TOKEN,
        AWS_KEY_ID,
        "hunter2",
        "Pa55w0rd",
        "wJalrXUtnFEMI",
        "b3BlbnNzaC1rZXkt",
        "s3cr3t",
        "Zx81mQ0v",
        "9f8a7b6c",
    ):
        assert secret_piece not in redacted


@pytest.mark.parametrize(
    "text",
    [
        "commit bdeb0203f4c1a9e7d2b8f6a5c3e1d0b9a8f7e6d5 fixed it",  # a SHA is not a secret
        "content_sha256: 9b74c9897bac770ffc029102a200c5de0d6f2a6e1d0f5a1c9e8d7b6a5f4e3d2c",
        "SECRET_KEY = os.environ['SECRET_KEY']",  # code reading a secret, not the secret
        "token = get_token(user)",
        "JWT_SECRET_STAGING → E2E_BYPASS_KEY → STAGING_JWT_SECRET",
        "api_key: ${API_KEY}",
        'password = "<your password>"',
        "max_tokens=4096",
        "if not check_secrets:",
        "primary_key=True",
        "Found **684 files** containing `WebSocketManager` class references",
    ],
)
def test_ordinary_evidence_is_left_alone(text: str) -> None:
    assert redact_text(text) == (text, {})


def test_seed_001_loses_its_pasted_secrets_and_nothing_else() -> None:
    seed = SEEDS / "001_1c03acdc481777fb.txt"
    if not seed.is_file():
        pytest.skip("shared seeds not beside the repo")
    text = seed.read_text(encoding="utf-8")
    redacted, found = redact_text(text)
    assert found == {"secret-assignment": 2}
    assert LEAKED_JWT_SECRET not in redacted
    changed = [
        line
        for before, line in zip(text.splitlines(), redacted.splitlines(), strict=True)
        if before != line
    ]
    assert changed == [
        "JWT_SECRET_STAGING=[REDACTED:secret-assignment]",
        "SERVICE_SECRET=[REDACTED:secret-assignment]",
    ]


def test_tree_redaction_reports_json_paths() -> None:
    tree = {
        "analyses": [{"evidence": [{"content": f"A_TOKEN={GITHUB_TOKEN}", "id": "e1"}]}],
        "note": f"two: {AWS_KEY_ID} and {AWS_KEY_ID}",
        "count": 3,
    }
    cleaned, redactions = redact_tree(tree)
    assert cleaned["count"] == 3
    assert cleaned["analyses"][0]["evidence"][0]["id"] == "e1"
    assert redactions == [
        Redaction(where="analyses[0].evidence[0].content", kind="github-token", count=1),
        Redaction(where="note", kind="aws-access-key", count=2),
    ]


@pytest.mark.parametrize(
    "hostile", ["a-" * 200_000, "key." * 100_000, "a_key=b " * 50_000, "http://" * 50_000]
)
def test_pathological_input_is_left_alone(hostile: str) -> None:
    # Shapes that made earlier, unbounded versions of the patterns backtrack for minutes;
    # the bench, not this test, holds the timing.
    assert redact_text(hostile) == (hostile, {})


# -- issue 12: secrets with no name near them, and what must never be redacted ---------------


def test_a_bare_high_entropy_literal_is_redacted() -> None:
    # The seed's JWT secret, pasted on its own line of grep evidence (no NAME= before it).
    line = f"config/staging.env:3:{LEAKED_JWT_SECRET}"
    cleaned, found = redact_text(line)
    assert LEAKED_JWT_SECRET not in cleaned
    assert cleaned == "config/staging.env:3:[REDACTED:high-entropy-literal]"
    assert found == {"high-entropy-literal": 1}


@pytest.mark.parametrize(
    ("secret", "kind"),
    [
        ("xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "slack-token"),
        ("https://hooks.slack.com/services/" + "T0ABCDEF1/B0ABCDEF2/" + "x" * 24, "slack-webhook"),
        ("ya29." + "a0AfH6SMBx7Qk2mZpL9vN3rT5wY8", "gcp-oauth-token"),
        ("AIza" + "SyB3x9Q2w8E4r6T1y5U7i9O0p2A4s6D8f0G", "google-api-key"),
        ("gho_" + "R8nq2LwZ5cV7xJ0bT4yK1mP9sD6fH3gA2eUo", "github-token"),
    ],
)
def test_known_token_shapes(secret: str, kind: str) -> None:
    cleaned, found = redact_text(f"value: {secret} end")
    assert secret not in cleaned and found[kind] == 1


@pytest.mark.parametrize(
    "busy",
    [
        "commit 1f3a9c0d2b4e6f8091a2b3c4d5e6f708192a3b4c fixed it",  # a SHA
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        '"integrity": "sha512-' + "Qm8xT3ZkWjR5cE5rLTd2Yk1hUjJ0c0x1OGhWcUZ3TmdqZWlYUzFvQ2Ez" + '"',
        "key fingerprint SHA256:" + "n/Ox8DlbtBdwvqI4mxA0PsVhUpxjtYV66MtXj2hEkiw",
        "request 123e4567-e89b-12d3-a456-426614174000 failed",  # a UUID
        "netra_backend/app/websocket_core/unified_manager.py:59:class WebSocketManagerV2:",
        "tests/integration/test_websocket_manager_factory_v2_integration.py",
        "ThisIsAVeryLongCamelCaseIdentifierName2024 and snake_case_name_with_v2_suffix_2",
    ],
)
def test_shas_digests_paths_and_identifiers_are_never_redacted(busy: str) -> None:
    cleaned, found = redact_text(busy)
    assert (cleaned, dict(found)) == (busy, {})
