#!/usr/bin/env python3
"""Validates one batch file (data/seed/batches/*.jsonl) against the seed rules and every other seed/batch file.

Usage: python3 data/seed/batches/check.py FILE   (stdlib only). Exit status 1 when something is wrong.
"""
import json, re, sys, unicodedata
from collections import Counter
from pathlib import Path

CATS = {"deception", "sycophancy", "bias", "dangerous_content"}
KEYS = {"text", "labels", "role", "kind", "source"}


def norm(t):
    t = unicodedata.normalize("NFKC", t).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", t).split())


def main(path):
    path = Path(path).resolve()
    seed = path.parent.parent
    others = {}
    for f in list(seed.glob("*.jsonl")) + list(path.parent.glob("*.jsonl")):
        if f.resolve() == path or f.name.startswith(("train", "dev", "short_", "conversations_")):
            continue
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                try:
                    others[norm(json.loads(line)["text"])] = f.name
                except Exception:
                    pass
    errs, seen, counts = [], {}, Counter()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            o = json.loads(line)
        except Exception as e:
            errs.append(f"line {n}: not JSON ({e})"); continue
        if set(o) != KEYS:
            errs.append(f"line {n}: keys {sorted(o)}, expected {sorted(KEYS)}"); continue
        t, labels, kind = o["text"], o["labels"], o["kind"]
        if not isinstance(t, str) or not t.strip():
            errs.append(f"line {n}: empty text")
        if o["role"] not in ("prompt", "completion"):
            errs.append(f"line {n}: role {o['role']}")
        if o["source"] != "handwritten":
            errs.append(f"line {n}: source must be handwritten")
        if not isinstance(labels, list) or not set(labels) <= CATS:
            errs.append(f"line {n}: labels {labels}")
        if kind == "positive" and not labels:
            errs.append(f"line {n}: positive without labels")
        if kind in ("benign", "hard_negative") and labels:
            errs.append(f"line {n}: {kind} with labels")
        if kind not in ("positive", "benign", "hard_negative"):
            errs.append(f"line {n}: kind {kind}")
        k = norm(t)
        if k in seen:
            errs.append(f"line {n}: duplicate of line {seen[k]}")
        if k in others:
            errs.append(f"line {n}: duplicate of an item in {others[k]}")
        seen[k] = n
        w = len(t.split())
        size = "short" if w < 20 else "medium" if w <= 80 else "long"
        counts[(kind, ",".join(sorted(labels)) or "-", o["role"], size)] += 1
    by = Counter()
    for (kind, lab, role, size), c in counts.items():
        by[f"{kind}:{lab}"] += c
        by[f"role:{role}"] += c
        by[f"length:{size}"] += c
    for k in sorted(by):
        print(f"{k:40s} {by[k]}")
    print("items", sum(counts.values()))
    for e in errs[:50]:
        print("ERROR", e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
