"""The admin UI's initial JavaScript, gzipped (budget: 400 KB): the module scripts and module
preloads that frontend/dist/index.html loads before any page is shown. Builds the bundle first
when it is missing (`make run` does the same). Exits 1 when the initial JS is over budget and 2
when index.html names no initial script (a broken build would otherwise pass as 0 KB), so CI and
scripts can gate on it."""

from __future__ import annotations

import gzip
import re
import subprocess
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[1] / "frontend"
BUDGET_KB = 400


def initial_scripts(index_html: str) -> list[str]:
    scripts = re.findall(r'<script[^>]+type="module"[^>]+src="([^"]+)"', index_html)
    preloads = re.findall(r'<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"', index_html)
    return [path for path in scripts + preloads if path.startswith("/assets/")]


def main() -> int:
    dist = FRONTEND / "dist"
    if not (dist / "index.html").exists():
        subprocess.run(["npm", "run", "build"], cwd=FRONTEND, check=True, capture_output=True)
    scripts = initial_scripts((dist / "index.html").read_text())
    if not scripts:
        print("no initial module script in frontend/dist/index.html: is the build broken?")
        return 2
    sizes = {
        path: len(gzip.compress((dist / path.lstrip("/")).read_bytes(), compresslevel=9)) for path in scripts
    }
    lazy = sum(
        len(gzip.compress(path.read_bytes(), compresslevel=9))
        for path in (dist / "assets").glob("*.js")
        if f"/assets/{path.name}" not in sizes
    )
    total_kb = sum(sizes.values()) / 1024
    for path, size in sizes.items():
        print(f"  {path}: {size / 1024:.1f} KB gzipped")
    verdict = "within budget" if total_kb < BUDGET_KB else "OVER BUDGET"
    print(f"initial JS: {total_kb:.1f} KB gzipped (budget {BUDGET_KB} KB): {verdict}")
    print(f"pages and charts loaded on demand: {lazy / 1024:.1f} KB gzipped in all")
    return 0 if total_kb < BUDGET_KB else 1


if __name__ == "__main__":
    raise SystemExit(main())
