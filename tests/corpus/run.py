"""Score whys against the hand-labelled real documents of `tests/corpus/labels/`.

    python -m tests.corpus.run --repo /path/to/zen.git [--json] [--doc SUBSTRING]

Every document is read from the mirror at the commit that added it and checked at that
commit, as an auditor would. Labels are matched to extracted claims on (line, kind), the
needle choosing between several claims of one kind on a line. Printed per kind and overall:

- recall: labelled claims whys extracted (same line, same kind);
- caught: labelled-false claims whys marks contradicted;
- confirmed: labelled-true claims whys marks verified;
- ✗ precision: whys's contradicted claims that are labelled contradicted, over every ✗ it
  gives on these documents (an unlabelled ✗ counts against it: labels are meant to be
  complete, so an unlabelled ✗ is either a spurious claim or a label to add);
- every miss, one line each.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

LABELS = Path(__file__).parent / "labels"
KINDS = ("file", "lines", "symbol", "commit", "message", "count", "time", "external")
STATUSES = ("verified", "contradicted", "unverifiable")
# Kept aside for an independent check: never labelled, never tuned on.
HELD_OUT = frozenset(
    {
        "reports/staging/WEBSOCKET_1011_FIVE_WHYS_ANALYSIS_20250908.md",
        "reports/staging/MISSING_ENDPOINTS_FIVE_WHYS_ANALYSIS.md",
        "reports/staging/AUTH_403_FIVE_WHYS_ANALYSIS.md",
        "reports/staging/SSOT_AUDIT_EVIDENCE_VALIDATION_20250908.md",
        "reports/staging/FIVE_WHYS_BACKEND_500_ERROR_20250907.md",
        "CLICKHOUSE_ERROR_60_FIVE_WHYS_ROOT_CAUSE_ANALYSIS.md",
        "ISSUE_863_FIVE_WHYS_ANALYSIS.md",
        "COMPREHENSIVE_FIVE_WHYS_GOLDENPATH_E2E_FAILURES_ANALYSIS.md",
    }
)


@dataclass
class KindScore:
    labelled: int = 0
    matched: int = 0
    extracted: int = 0
    false_labelled: int = 0
    false_caught: int = 0
    true_labelled: int = 0
    true_confirmed: int = 0
    unverifiable_labelled: int = 0
    unverifiable_kept: int = 0
    whys_contradicted: int = 0
    whys_contradicted_right: int = 0


@dataclass
class Score:
    kinds: dict[str, KindScore] = field(default_factory=lambda: {k: KindScore() for k in KINDS})
    misses: list[tuple[str, str]] = field(default_factory=list)  # (kind, line)
    spurious: int = 0
    negatives: int = 0
    unlabelled_contradicted: int = 0
    documents: int = 0
    seconds: list[tuple[float, int, str]] = field(default_factory=list)
    status_of_claims: Counter[str] = field(default_factory=Counter)

    def total(self) -> KindScore:
        whole = KindScore()
        for part in self.kinds.values():
            for name in whole.__dataclass_fields__:
                setattr(whole, name, getattr(whole, name) + getattr(part, name))
        return whole


def load_labels(folder: Path = LABELS) -> list[dict]:
    """Every label file, checked for shape; a malformed one stops the run with its name."""
    documents = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["document"] in HELD_OUT:
            raise SystemExit(
                f"{path.name}: {data['document']} is held out and must not be labelled"
            )
        for item in data["claims"]:
            kind, status = item["kind"], item["status"]
            if kind == "none":
                if item.get("not_kind") not in KINDS:
                    raise SystemExit(f"{path.name}:{item['line']}: `none` needs a valid not_kind")
            elif kind not in KINDS or status not in STATUSES:
                raise SystemExit(f"{path.name}:{item['line']}: bad kind/status {kind}/{status}")
        data["label_file"] = path.name
        documents.append(data)
    return documents


def _fits(claim, needle: str, *, own_fields_only: bool = False) -> bool:
    """Whether the label's needle names this claim: by what the claim is about (its path,
    SHA, message, pattern or symbol) or, unless `own_fields_only`, by its text (several
    claims on a line share the text)."""
    needle_folded = needle.casefold()
    values = [claim.path, claim.sha, claim.message, claim.pattern, claim.symbol]
    if not own_fields_only:
        values.append(claim.text)
    return any(
        value and (needle_folded in value.casefold() or value.casefold() in needle_folded)
        for value in values
    )


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def score_document(score: Score, label: dict, repo) -> None:
    from whys.core.checks import check_analysis
    from whys.core.reader import read_analysis_text

    document, commit = label["document"], label["commit"]
    name = label["label_file"].removesuffix(".json")
    raw = repo.read_file(commit, document)
    if raw is None:
        score.misses.append(("", f"{name}: document not readable at {commit[:10]}"))
        return
    started = time.perf_counter()
    analysis = read_analysis_text(raw.decode("utf-8", errors="replace"), document)
    run = check_analysis(analysis, repo, commit)
    score.seconds.append((time.perf_counter() - started, len(analysis.claims), name))
    score.documents += 1
    checks = {check.claim_id: check for check in run.checks}
    pool: dict[tuple[int, str], list] = {}
    for claim in analysis.claims:
        pool.setdefault((claim.line, claim.kind), []).append(claim)
        score.kinds[claim.kind].extracted += 1
        score.status_of_claims[checks[claim.id].status] += 1
    taken: set[str] = set()
    for item in label["claims"]:
        line, kind, needle = item["line"], item["kind"], item.get("needle", "")
        if kind == "none":
            score.negatives += 1
            wrong = [c for c in pool.get((line, item["not_kind"]), []) if _fits(c, needle)]
            if wrong:
                score.spurious += 1
                score.misses.append(
                    (
                        item["not_kind"],
                        f"{name}:{line} spurious {item['not_kind']} ({_short(needle, 30)}): "
                        f"{checks[wrong[0].id].status}",
                    )
                )
            continue
        part = score.kinds[kind]
        part.labelled += 1
        status = item["status"]
        if status == "contradicted":
            part.false_labelled += 1
        elif status == "verified":
            part.true_labelled += 1
        else:
            part.unverifiable_labelled += 1
        candidates = [c for c in pool.get((line, kind), []) if c.id not in taken]
        chosen = (
            next((c for c in candidates if _fits(c, needle, own_fields_only=True)), None)
            or next((c for c in candidates if _fits(c, needle)), None)
        ) or next(iter(candidates), None)
        if chosen is None:
            other = [
                c.kind
                for (at, _), claims in pool.items()
                if at == line
                for c in claims
                if _fits(c, needle)
            ]
            found_as = f" (found as {', '.join(sorted(set(other)))})" if other else ""
            score.misses.append(
                (kind, f"{name}:{line} missed {kind} [{status}] ({_short(needle, 40)}){found_as}")
            )
            continue
        taken.add(chosen.id)
        part.matched += 1
        check = checks[chosen.id]
        if check.status == "contradicted":
            part.whys_contradicted += 1
            part.whys_contradicted_right += status == "contradicted"
        if status == "contradicted" and check.status == "contradicted":
            part.false_caught += 1
        elif status == "verified" and check.status == "verified":
            part.true_confirmed += 1
        elif status == "unverifiable" and check.status != "contradicted":
            part.unverifiable_kept += 1
        if check.status != status:
            score.misses.append(
                (
                    kind,
                    f"{name}:{line} {kind} ({_short(needle, 30)}) labelled {status}, whys "
                    f"{check.status}: {_short(check.detail, 90)}",
                )
            )
    for claim in analysis.claims:
        if claim.id in taken or checks[claim.id].status != "contradicted":
            continue
        score.unlabelled_contradicted += 1
        score.kinds[claim.kind].whys_contradicted += 1
        score.misses.append(
            (
                claim.kind,
                f"{name}:{claim.line} unlabelled ✗ {claim.kind} ({_short(claim.text, 40)}): "
                f"{_short(checks[claim.id].detail, 80)}",
            )
        )


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else "     -"


def render_table(score: Score) -> str:
    head = (
        f"{'kind':<9}{'labels':>7}{'recall':>9}{'caught':>13}{'confirmed':>15}"
        f"{'✗ precision':>17}{'whys claims':>13}"
    )
    rows = [head]
    for kind, part in [*score.kinds.items(), ("overall", score.total())]:
        if not part.labelled and not part.extracted:
            continue
        rows.append(
            f"{kind:<9}{part.labelled:>7}{_ratio(part.matched, part.labelled):>9}"
            f"{_ratio(part.false_caught, part.false_labelled):>8} {part.false_caught:>2}/"
            f"{part.false_labelled:<3}"
            f"{_ratio(part.true_confirmed, part.true_labelled):>9} {part.true_confirmed:>3}/"
            f"{part.true_labelled:<3}"
            f"{_ratio(part.whys_contradicted_right, part.whys_contradicted):>10} "
            f"{part.whys_contradicted_right:>2}/{part.whys_contradicted:<3}"
            f"{part.extracted:>10}"
        )
    total = score.total()
    rows.append(
        f"documents {score.documents}; negatives {score.negatives} ({score.spurious} "
        f"spurious); unlabelled ✗ {score.unlabelled_contradicted}; unverifiable labels "
        f"kept off ✗ {total.unverifiable_kept}/{total.unverifiable_labelled}"
    )
    if score.seconds:
        slowest = max(score.seconds)
        rows.append(
            f"check time: {sum(s for s, _, _ in score.seconds):.1f} s in all; slowest "
            f"{slowest[0]:.2f} s ({slowest[1]} claims, {slowest[2]})"
        )
    return "\n".join(rows)


def as_json(score: Score) -> dict:
    kinds = {kind: vars(part) for kind, part in score.kinds.items()}
    return {
        "kinds": kinds,
        "overall": vars(score.total()),
        "documents": score.documents,
        "negatives": score.negatives,
        "spurious": score.spurious,
        "unlabelled_contradicted": score.unlabelled_contradicted,
        "misses": [line for _, line in score.misses],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.corpus.run", description=__doc__)
    parser.add_argument("--repo", required=True, type=Path, help="a mirror of netra-systems/zen")
    parser.add_argument("--labels", type=Path, default=LABELS, help="a folder of label files")
    parser.add_argument("--doc", default="", help="only label files whose name contains this")
    parser.add_argument("--kind", default="", help="print only the misses of this kind")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-misses", action="store_true", help="print the table only")
    args = parser.parse_args(argv)

    from whys.core.repo import open_repo

    repo = open_repo(args.repo)
    score = Score()
    labels = [item for item in load_labels(args.labels) if args.doc in item["label_file"]]
    if not labels:
        print("no label files matched", file=sys.stderr)
        return 2
    for label in labels:
        score_document(score, label, repo)
    if args.json:
        print(json.dumps(as_json(score), indent=2))
        return 0
    if not args.no_misses:
        for kind, miss in score.misses:
            if not args.kind or kind == args.kind:
                print(miss)
        print()
    print(render_table(score))
    return 0


if __name__ == "__main__":
    sys.exit(main())
