"""The workbench (Textual): `whys.tui.app.run_workbench`.

What is alive when the workbench is imported (the core's modules, the session just read)
lives as long as the process: it goes out of the cyclic collector's sight at once, so the
full collections that importing Textual triggers walk only what came after (each would
otherwise hold up the first screen by tens of milliseconds). The app does the same once
its first screen is up (`WhysApp._restored`).
"""

import gc

gc.freeze()
