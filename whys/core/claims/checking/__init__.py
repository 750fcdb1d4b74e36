"""Check services: the small pieces every kind's `check` shares, each tested alone.

- `tree.py`      the revision's files and texts (listing, names, symlinks, lines)
- `paths.py`     a path as written -> files of the tree
- `names.py`     code-name and quoted-code patterns; where a name sits in a file
- `files.py`     per-file verdicts combined into one result
- `counts.py`    rg / git grep counts
- `subjects.py`  the subject index for quoted messages
- `commits.py`   cited SHAs resolved in one batch; which commit a claim is about
- `pins.py`      evidence that `whys verify` can re-run
- `context.py`   `CheckContext`: one run's services and the prefetch
Only these modules and `whys.core.history` call `repo` or `search`.
"""
