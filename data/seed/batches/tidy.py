#!/usr/bin/env python3
"""Tidies the batch files before split.py: strips leading/trailing whitespace from texts and drops an item whose
normalised text already appears in a seed file or an earlier batch (train batches before dev batches, so a dev
item never repeats a train item). Rewrites the batch files in place; prints what it dropped.

usage: python3 data/seed/batches/tidy.py [BATCH ...]   (default: every batches/*.jsonl)"""
import json, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from split import DEV_BATCHES, SOURCES, norm  # noqa: E402

seen = {}
for f in SOURCES:
    for line in (HERE.parent / f).read_text(encoding="utf-8").splitlines():
        if line.strip():
            seen.setdefault(norm(json.loads(line)["text"]), f)
names = sys.argv[1:]
batches = sorted(HERE.glob("*.jsonl"), key=lambda p: (p.stem in DEV_BATCHES, p.name))
for path in batches:
    items, dropped = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        item["text"] = item["text"].strip()
        key = norm(item["text"])
        if key in seen:
            dropped += 1
            print(f"{path.name}: dropped a duplicate of an item in {seen[key]}")
            continue
        seen[key] = path.name
        items.append(item)
    if not names or path.stem in names or path.name in names:
        path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
        print(f"{path.name}: {len(items)} items ({dropped} dropped)")
