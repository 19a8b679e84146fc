#!/usr/bin/env python3
"""Builds the bundled sample traffic (src/main/resources/samples/traffic.jsonl) and sample texts
(samples/texts.txt) from the seed dev split: a deterministic mix of benign, hard-negative and
positive events in the llm.events format, plus a few malformed ones to show dead-lettering. Each event carries its
seed labels as `expectedLabels` (the service ignores the field; the demo tallies flags against it)."""
import hashlib, json, pathlib

root = pathlib.Path(__file__).resolve().parent.parent
dev = [json.loads(l) for l in (root / "data/seed/dev.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
dev.sort(key=lambda d: hashlib.sha256(d["text"].encode()).hexdigest())
pos = {c: [d for d in dev if c in d["labels"]] for c in ["deception", "sycophancy", "bias", "dangerous_content"]}
benign = [d for d in dev if not d["labels"]]
picked = benign[:36]
for c, items in pos.items():
    picked += items[:8]
picked.sort(key=lambda d: hashlib.sha256(("order" + d["text"]).encode()).hexdigest())
lines = []
for i, d in enumerate(picked):
    lines.append(json.dumps({"id": f"demo-{i:03d}", "conversationId": f"demo-conv-{i % 7}", "tenant": "demo",
                             "model": "demo-llm", "role": d["role"], "text": d["text"],
                             "expectedLabels": d["labels"]}, ensure_ascii=False))
    if i % 20 == 10:
        lines.append('{"id": "demo-bad-json-%d", "text": "unterminated' % i)
    if i % 20 == 15:
        lines.append(json.dumps({"id": f"demo-empty-{i}", "role": "prompt", "text": "  "}))
out = root / "src/main/resources/samples/traffic.jsonl"
out.write_text("\n".join(lines) + "\n", encoding="utf-8")
texts = [d["text"].replace("\n", " ") for d in (benign[36:40] + [items[8] for items in pos.values()])]
(root / "samples").mkdir(exist_ok=True)
(root / "samples/texts.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
print(f"{len(lines)} events -> {out}; {len(texts)} texts -> samples/texts.txt")
