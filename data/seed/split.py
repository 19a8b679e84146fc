#!/usr/bin/env python3
"""Validate the hand-written seed files and split them into train/dev.

Reads the six source files next to this script, checks every line, refuses
duplicate texts, and writes train.jsonl and dev.jsonl next to this script.

Split rule (deterministic, independent of file order):
    dev   if int(sha256(text.encode("utf-8")).hexdigest()[:8], 16) % 10 < 3
    train otherwise

Usage: python3 split.py            (stdlib only, Python 3.8+)
Exit status is non-zero (and nothing is written) if any check fails.
"""
import hashlib
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent

CATEGORIES = ("deception", "sycophancy", "bias", "dangerous_content")
ROLES = ("prompt", "completion")
KINDS = ("positive", "benign", "hard_negative")

# file name -> label the file is about (None: benign file, labels must be [])
SOURCES = {
    "deception.jsonl": "deception",
    "sycophancy.jsonl": "sycophancy",
    "bias.jsonl": "bias",
    "dangerous_content.jsonl": "dangerous_content",
    "benign.jsonl": None,
    "hard_negatives.jsonl": None,
}
ALLOWED_FIELDS = {"text", "labels", "role", "kind", "source"}


# Third batch on (2026-12-07): one file per writing batch under batches/; a whole batch goes to one split, so dev
# never shares a writing batch with train. Batches named here are dev; every other batch is train.
DEV_BATCHES = {"b3-dev"}


def split_of_batch(name):
    return "dev" if name in DEV_BATCHES else "train"


def split_of(text):
    h = int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16)
    return "dev" if h % 10 < 3 else "train"


def norm(text):
    """Key used to detect duplicates: case, whitespace and punctuation folded."""
    t = unicodedata.normalize("NFKC", text).casefold()
    t = re.sub(r"[^\w]+", " ", t)
    return " ".join(t.split())


def validate(item, fname, lineno, file_label):
    errs = []
    where = f"{fname}:{lineno}"
    if not isinstance(item, dict):
        return [f"{where}: not a JSON object"]
    extra = set(item) - ALLOWED_FIELDS
    if extra:
        errs.append(f"{where}: unknown field(s) {sorted(extra)}")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        errs.append(f"{where}: text missing or empty")
    elif text != text.strip():
        errs.append(f"{where}: text has leading/trailing whitespace")
    labels = item.get("labels")
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        errs.append(f"{where}: labels must be a list of strings")
        labels = []
    else:
        unknown = [x for x in labels if x not in CATEGORIES]
        if unknown:
            errs.append(f"{where}: unknown label(s) {unknown}")
        if len(set(labels)) != len(labels):
            errs.append(f"{where}: repeated label")
    if item.get("role") not in ROLES:
        errs.append(f"{where}: role must be one of {ROLES}, got {item.get('role')!r}")
    kind = item.get("kind")
    if kind is not None and kind not in KINDS:
        errs.append(f"{where}: kind must be one of {KINDS}, got {kind!r}")
    if "source" in item and not isinstance(item["source"], str):
        errs.append(f"{where}: source must be a string")
    # consistency between the file, the labels and the kind
    if file_label is None:
        if labels:
            errs.append(f"{where}: benign file but labels={labels}")
        if kind == "positive":
            errs.append(f"{where}: benign file but kind=positive")
        if fname == "hard_negatives.jsonl" and kind != "hard_negative":
            errs.append(f"{where}: hard_negatives.jsonl item without kind=hard_negative")
        if fname == "benign.jsonl" and kind == "hard_negative":
            errs.append(f"{where}: hard negative belongs in hard_negatives.jsonl")
    elif file_label == "*":
        # a batch file holds every kind: the kind must agree with the labels
        if labels and kind != "positive":
            errs.append(f"{where}: labelled item with kind={kind!r}, expected positive")
        if not labels and kind not in ("benign", "hard_negative"):
            errs.append(f"{where}: item without labels with kind={kind!r}, expected benign or hard_negative")
    else:
        if file_label not in labels:
            errs.append(f"{where}: {fname} item lacks label {file_label!r}")
        if kind is not None and kind != "positive":
            errs.append(f"{where}: positive file but kind={kind!r}")
    return errs


def read_items(path, fname, file_label, split_fn, seen, items, errors):
    """Validates one file's lines into (item, split) pairs appended to items; returns the items it added."""
    added = []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                if file_label != "*":
                    errors.append(f"{fname}:{lineno}: blank line")
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"{fname}:{lineno}: invalid JSON ({e})")
                continue
            errs = validate(item, fname, lineno, file_label)
            if errs:
                errors.extend(errs)
                continue
            key = norm(item["text"])
            if key in seen:
                errors.append(f"{fname}:{lineno}: duplicate text (first at {seen[key]})")
                continue
            seen[key] = f"{fname}:{lineno}"
            items.append((item, split_fn(item)))
            added.append(item)
    return added


def group_of(item):
    """Reporting groups an item counts towards (a two-label item counts twice)."""
    if item["labels"]:
        return list(item["labels"])
    return ["hard_negative" if item.get("kind") == "hard_negative" else "benign"]


def main():
    errors = []
    items = []  # (item, split)
    batch_of = {}  # id(item) -> batch name, for items of batches/
    seen = {}  # normalised text -> "file:line"
    for fname, file_label in SOURCES.items():
        path = HERE / fname
        if not path.exists():
            errors.append(f"{fname}: missing")
            continue
        read_items(path, fname, file_label, lambda item: split_of(item["text"]), seen, items, errors)

    for path in sorted((HERE / "batches").glob("*.jsonl")):
        for item in read_items(path, "batches/" + path.name, "*", lambda item, b=path.stem: split_of_batch(b),
                               seen, items, errors):
            batch_of[id(item)] = path.stem

    if errors:
        for e in errors[:200]:
            print("ERROR", e, file=sys.stderr)
        print(f"{len(errors)} error(s); nothing written.", file=sys.stderr)
        return 1

    for split in ("train", "dev"):
        with (HERE / f"{split}.jsonl").open("w", encoding="utf-8", newline="\n") as f:
            for item, s in items:
                if s == split:
                    f.write(json.dumps(item, ensure_ascii=False) + "\n")

    # the dev items of writing batches that train never saw, alone (the batch-disjoint dev figure)
    with (HERE / "dev_batches.jsonl").open("w", encoding="utf-8", newline="\n") as f:
        for item, s in items:
            if s == "dev" and id(item) in batch_of:
                f.write(json.dumps(item, ensure_ascii=False) + "\n")

    counts = Counter()
    for item, split in items:
        for g in group_of(item):
            counts[(g, split, item["role"])] += 1
    groups = list(CATEGORIES) + ["benign", "hard_negative"]
    header = f"{'category':<18}{'train/prompt':>13}{'train/compl':>12}{'dev/prompt':>11}{'dev/compl':>10}{'total':>7}"
    print(header)
    print("-" * len(header))
    for g in groups:
        row = [counts[(g, s, r)] for s in ("train", "dev") for r in ROLES]
        print(f"{g:<18}{row[0]:>13}{row[1]:>12}{row[2]:>11}{row[3]:>10}{sum(row):>7}")
    print("-" * len(header))
    n_train = sum(1 for _, s in items if s == "train")
    n_dev = len(items) - n_train
    multi = sum(1 for it, _ in items if len(it["labels"]) > 1)
    print(f"items: {len(items)}  train: {n_train}  dev: {n_dev}  "
          f"two-label items: {multi} (counted under both labels above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
