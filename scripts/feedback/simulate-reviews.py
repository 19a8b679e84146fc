#!/usr/bin/env python3
"""Simulated reviewers for trying `recalibrate`: reads the verdicts `score --jsonl` printed for labelled traffic and
writes the reviews a reviewer who knows the labels would give, in the console's feedback format: every flagged
category (true positive when the text has the label, else false positive) and every review-queue item, a category
scoring in [threshold - band, threshold) (the cascade the console lists).

usage: simulate-reviews.py TRAFFIC.jsonl VERDICTS.jsonl BAND OUT_REVIEWS.jsonl
TRAFFIC.jsonl: {"id", "text", "labels"} (the events scored); VERDICTS.jsonl: score's output, one verdict a line."""
import json, sys

traffic_file, verdicts_file, band, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
labels = {}
for line in open(traffic_file, encoding="utf-8"):
    if line.strip():
        t = json.loads(line)
        labels[t["id"]] = set(t.get("labels", []))
n = {"true_positive": 0, "false_positive": 0}
with open(out, "w", encoding="utf-8") as f:
    for line in open(verdicts_file, encoding="utf-8"):
        v = json.loads(line)
        for c in v["categories"]:
            if c["flagged"] or c["score"] >= c["threshold"] - band:
                label = "true_positive" if c["name"] in labels[v["eventId"]] else "false_positive"
                n[label] += 1
                f.write(json.dumps({"eventId": v["eventId"], "category": c["name"], "label": label,
                                    "reviewer": "simulated", "time": "2026-12-02T00:00:00Z",
                                    "packVersion": v["pack"]["version"]}) + "\n")
print("reviews:", n, file=sys.stderr)
