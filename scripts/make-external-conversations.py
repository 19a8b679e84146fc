#!/usr/bin/env python3
"""Conversation figures built from a labelled set the team did not write (../shared/eval/external-dev.jsonl):
each positive of two or more sentences is cut into 2-3 parts placed in the turns of a 3-5 turn conversation, the
other turns being the set's own benign items (short chat messages of at most five words among them); plus benign
conversations of the set's benign items only. The same construction as make-conversations.py (its functions), so
external and seed conversation figures compare.

The output is for `eval` only and is written under target/: never commit it, never train or calibrate on it.

usage: make-external-conversations.py IN.jsonl OUT.jsonl [BENIGN_CONVERSATIONS (default 200)]"""
import importlib.util, json, os, random, sys

spec = importlib.util.spec_from_file_location("mc", os.path.join(os.path.dirname(__file__), "make-conversations.py"))
mc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mc)

src, dst = sys.argv[1], sys.argv[2]
n_benign = int(sys.argv[3]) if len(sys.argv) > 3 else 200
rnd = random.Random(47)
rows = mc.read(src)
benign_all = [r["text"] for r in rows if not r["labels"]]
short = [t for t in benign_all if len(t.split()) <= 5]
benign = [t for t in benign_all if len(t.split()) > 5]
out = []
for r in rows:
    if r["labels"] and len(mc.sentences(r["text"])) >= 2:
        out.append(mc.split_conversation(r, mc.parts_of(r["text"], rnd), benign, short, rnd))
for _ in range(n_benign):
    n = rnd.randint(3, 5)
    texts = [mc.filler(benign, short, rnd) for _ in range(n)]
    out.append({"turns": [{"role": ro, "text": t} for ro, t in zip(mc.roles(n), texts)], "labels": [],
                "kind": "benign", "harmTurns": []})
rnd.shuffle(out)
os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
with open(dst, "w", encoding="utf-8") as f:
    for i, c in enumerate(out):
        line = {"conversationId": "ext-conv-%04d" % i}
        line.update(c)
        f.write(json.dumps(line, ensure_ascii=False) + "\n")
split = sum(1 for c in out if c["kind"] == "split")
print("%d conversations (%d split-turn, %d benign) -> %s" % (len(out), split, len(out) - split, dst), file=sys.stderr)
