"""A worker imports matplotlib when it starts, so its first chart does not wait (issue 18)."""

from __future__ import annotations

import subprocess
import sys


def test_starting_the_services_imports_matplotlib_in_the_background():
    code = ("import sys\n"
            "from fieldwork.jobs import runner\n"
            "runner.load_tasks()\n"
            "before = 'matplotlib.figure' in sys.modules\n"
            "loader = runner.SERVICES['stats.charts'](None)\n"
            "loader.join(120)\n"
            "print(before, loader.daemon, 'matplotlib.figure' in sys.modules,\n"
            "      'matplotlib.backends.backend_agg' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=180, check=True)
    assert done.stdout.split() == ["False", "True", "True", "True"]
