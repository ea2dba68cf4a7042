"""The gunicorn entry point freezes what it loaded, so the garbage collector's full passes stay short."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, sys, time
import portal.wsgi
t = time.perf_counter()
gc.collect()
print(json.dumps({"frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects()),
                  "search_loaded": "portal.search.memory.execute" in sys.modules and "scipy.sparse" in sys.modules}))
"""


def test_the_entry_point_freezes_everything_loaded_before_serving(tmp_path: Path) -> None:
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(tmp_path), "PORTAL_SECRET_KEY": "x", "PYTHONPATH": str(REPO)}
    env.pop("PORTAL_DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["search_loaded"]  # loaded before the freeze, not by the first search after it
    assert found["frozen"] > 50_000
    assert found["tracked"] < found["frozen"] // 20  # what a full pass still walks
