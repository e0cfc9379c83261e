"""Peers reading the same workbooks: python bench/ingest/peers.py TOOL LIST

TOOL: pandas-openpyxl | pandas-calamine | polars-fastexcel. Each reads the first sheet (the pupil
list, with its title block) of every file in LIST, one after another, with no header row and no
validation, and counts the rows it got. Imports happen before the clock starts. One JSON line.
"""
import json
import sys
import time

tool, listfile = sys.argv[1], sys.argv[2]
with open(listfile, encoding="utf-8") as fh:
    files = [line.rstrip("\n") for line in fh if line.strip()]

if tool in ("pandas-openpyxl", "pandas-calamine"):
    import pandas as pd

    engine = "openpyxl" if tool == "pandas-openpyxl" else "calamine"

    def read(path):
        return len(pd.read_excel(path, sheet_name=0, header=None, engine=engine))
elif tool == "polars-fastexcel":
    import polars as pl

    def read(path):
        return pl.read_excel(path, sheet_id=1, engine="calamine", has_header=False).height
else:
    sys.exit(f"unknown tool {tool}")

t0 = time.perf_counter()
rows = 0
for f in files:
    rows += read(f)
seconds = time.perf_counter() - t0
print(json.dumps({"tool": tool, "files": len(files), "seconds": seconds, "sheetRows": rows}))
