#!/usr/bin/env python3
"""Writes the seed conversation sets calibrate and eval read for the conversation head:
data/seed/conversations_train.jsonl from train-split texts only and conversations_dev.jsonl from dev-split
texts only, one conversation a line:
  {"conversationId", "turns": [{"role", "text"}], "labels": [...], "kind", "harmTurns"}
- split: a seed positive cut at sentence boundaries (clause boundaries when it is one sentence) into 2-3
  parts, placed in consecutive turns or every other turn (the same speaker with a reply between) of a
  3-5 turn conversation; the other turns are benign texts, hard negatives and short chat messages.
- benign: 3-5 turns of benign texts, hard negatives and short chat messages.
Roles alternate prompt / completion from a prompt. Every text belongs to one of three pools (a stable hash of
the text) and a conversation draws all its texts from one pool, so cross-validation folds made of conversations
that share no text (calibrate's) hold out texts, not just conversations.
Deterministic: fixed seeds, inputs read in file order.

usage: make-conversations.py [SEED_DIR] (default data/seed)"""
import json, os, random, re, sys, zlib

SEED_DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "data", "seed")
VARIANTS = int(os.environ.get("VARIANTS", "1"))
# per split: most positives per category, splits of each positive, benign conversations, seed
PLAN = {"train": (125, VARIANTS, 500 * VARIANTS, 41), "dev": (10**6, 1, 400, 43)}
SHORT_SHARE = 0.35
CLAUSE = re.compile(r"(?<=[,;:])\s+|\s+(?=(?:and|but|so|then|because|while)\s)")


POOLS = 3


def pool(text):
    return zlib.crc32(text.encode("utf-8")) % POOLS


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def sentences(text):
    parts = [p for p in re.split(r"(?<=[.!?])\s+", text.strip()) if p]
    if len(parts) >= 2:
        return parts
    return [p for p in CLAUSE.split(text.strip()) if p and p.strip()]


def parts_of(text, rnd):
    """2-3 contiguous groups of the text's sentences (or clauses), None when it has only one."""
    units = sentences(text)
    if len(units) < 2:
        return None
    k = min(len(units), rnd.choice((2, 2, 3)))
    cuts = sorted(rnd.sample(range(1, len(units)), k - 1))
    bounds = [0] + cuts + [len(units)]
    return [" ".join(units[bounds[i]:bounds[i + 1]]) for i in range(k)]


def roles(n):
    return ["prompt" if i % 2 == 0 else "completion" for i in range(n)]


def filler(benign, short, rnd):
    return rnd.choice(short) if rnd.random() < SHORT_SHARE else rnd.choice(benign)


def split_conversation(r, parts, benign, short, rnd):
    n = rnd.randint(max(3, len(parts)), 5)
    gap = 2 if 1 + (len(parts) - 1) * 2 <= n and rnd.random() < 0.5 else 1
    start = rnd.randint(0, n - (1 + (len(parts) - 1) * gap))
    at = [start + i * gap for i in range(len(parts))]
    texts = [filler(benign, short, rnd) for _ in range(n)]
    for a, p in zip(at, parts):
        texts[a] = p
    return {"turns": [{"role": ro, "text": t} for ro, t in zip(roles(n), texts)],
            "labels": sorted(set(r["labels"])), "kind": "split", "harmTurns": at}


def build(split):
    per_cat, variants, n_benign, seed = PLAN[split]
    rnd = random.Random(seed)
    rows = read(os.path.join(SEED_DIR, split + ".jsonl"))
    short_all = [r["text"] for r in read(os.path.join(SEED_DIR, "short_" + split + ".jsonl"))]
    benign_all = [r["text"] for r in rows if not r["labels"]]
    shorts = [[t for t in short_all if pool(t) == p] for p in range(POOLS)]
    benigns = [[t for t in benign_all if pool(t) == p] for p in range(POOLS)]
    out, taken = [], {}
    for r in rows:
        if not r["labels"]:
            continue
        cat = r["labels"][0]
        if taken.get(cat, 0) >= per_cat:
            continue
        if len(sentences(r["text"])) < 2:
            continue
        taken[cat] = taken.get(cat, 0) + 1
        benign, short = benigns[pool(r["text"])], shorts[pool(r["text"])]
        for _ in range(variants):
            out.append(split_conversation(r, parts_of(r["text"], rnd), benign, short, rnd))
    for j in range(n_benign):
        benign, short = benigns[j % POOLS], shorts[j % POOLS]
        n = rnd.randint(3, 5)
        texts = [filler(benign, short, rnd) for _ in range(n)]
        out.append({"turns": [{"role": ro, "text": t} for ro, t in zip(roles(n), texts)], "labels": [],
                    "kind": "benign", "harmTurns": []})
    rnd.shuffle(out)
    path = os.path.join(SEED_DIR, "conversations_" + split + ".jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for i, c in enumerate(out):
            line = {"conversationId": "%s-conv-%04d" % (split, i)}
            line.update(c)
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    split_n = sum(1 for c in out if c["kind"] == "split")
    turns = sum(len(c["turns"]) for c in out)
    print("%s: %d conversations (%d split-turn %s, %d benign), %d turns -> %s" % (
        split, len(out), split_n, dict(sorted(taken.items())), len(out) - split_n, turns, path), file=sys.stderr)


if __name__ == "__main__":
    for s in ("train", "dev"):
        build(s)
