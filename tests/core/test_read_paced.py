"""Reading a child's output in paced chunks: every byte arrives whatever the child's pace,
the reader stops when asked, and a child that has finished is read to its end."""

from __future__ import annotations

import subprocess
import sys
import threading

from whys.core.repo_process import read_paced

# A child that writes 200 short lines, pausing now and then (a slow producer), then a
# large block at once (a fast one): both shapes the pacing treats differently.
TRICKLE = (
    "import sys, time\n"
    "for n in range(200):\n"
    "    sys.stdout.write(f'line {n}\\n'); sys.stdout.flush()\n"
    "    if n % 50 == 0: time.sleep(0.01)\n"
    "sys.stdout.write('x' * 300000); sys.stdout.flush()\n"
)


def _child(code: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)


def test_every_byte_arrives_from_a_slow_then_fast_child() -> None:
    child = _child(TRICKLE)
    assert child.stdout is not None
    data = b"".join(read_paced(child.stdout))
    child.stdout.close()
    child.wait()
    expected = "".join(f"line {n}\n" for n in range(200)).encode() + b"x" * 300000
    assert data == expected


def test_a_cancel_stops_the_reading() -> None:
    child = _child("import time\nwhile True:\n    print('more', flush=True); time.sleep(0.001)")
    assert child.stdout is not None
    cancel = threading.Event()
    seen = 0
    for _chunk in read_paced(child.stdout, cancel):
        seen += 1
        if seen == 3:
            cancel.set()
    child.kill()
    child.stdout.close()
    child.wait()
    assert seen == 3
