#!/usr/bin/env python3
"""Writes a long-context dev set the way completions look: every positive of a labelled file inserted
among 1, 3 or 6 ordinary corpus paragraphs (inside a paragraph or as its own), plus corpus documents
alone and 3- and 5-turn benign chat transcripts as benign events. Deterministic for its inputs.

usage: make-long-dev.py LABELLED.jsonl CORPUS.txt SHORT.jsonl OUT.jsonl"""
import json, random, sys

labelled, corpus_file, short_file, out = sys.argv[1:5]
rows = [json.loads(l) for l in open(labelled, encoding="utf-8") if l.strip()]
corpus = [l.strip() for l in open(corpus_file, encoding="utf-8") if l.strip()]
short = [json.loads(l)["text"] for l in open(short_file, encoding="utf-8") if l.strip()]
benign = [r["text"] for r in rows if not r["labels"]]
rnd = random.Random(23)
half = len(corpus) // 2
context, docs = corpus[:half], corpus[half:]
with open(out, "w", encoding="utf-8") as f:
    def emit(text, labels, kind):
        f.write(json.dumps({"text": text, "labels": labels, "kind": kind, "source": "long-dev"}) + "\n")
    for i, r in enumerate(rows):
        if not r["labels"]:
            continue
        for k in (1, 3, 6):
            ctx = rnd.sample(context, k)
            ctx.insert(rnd.randint(0, k), r["text"].strip())
            emit((" " if (i + k) % 2 else "\n\n").join(ctx), r["labels"], "embedded-%d" % k)
    for d in docs[:400]:
        emit(d, [], "corpus-doc")
    for j in range(200):
        turns = rnd.choice((3, 5))
        msgs = [rnd.choice(short) if t % 2 == 0 and rnd.random() < 0.5 else rnd.choice(benign + docs[:200])
                for t in range(turns)]
        emit("\n".join(m.strip() for m in msgs), [], "benign-chat-%d" % turns)
