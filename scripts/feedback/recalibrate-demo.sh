#!/usr/bin/env bash
# recalibrate on simulated reviews of long traffic built from the seed TRAIN split (so the reviewed texts are not the
# dev texts the before/after figures are measured on): every 12th text of make-long-dev.py's output over train
# (train positives embedded among corpus paragraphs, corpus documents, benign chats), scored by the default pack,
# reviewed by simulate-reviews.py (flags and the review-queue band), then `recalibrate` with the dev split.
# Needs target/build-pack/eval-corpus.txt (scripts/build-default-pack.sh writes it). BAND (default 0.1), PACK.
set -euo pipefail
cd "$(dirname "$0")/../.."
PACK=${PACK:-model-packs/default}
BAND=${BAND:-0.1}
W=target/reviews
rm -rf "$W" && mkdir -p "$W"
python3 scripts/make-long-dev.py data/seed/train.jsonl target/build-pack/eval-corpus.txt data/seed/short_train.jsonl "$W/long-train.jsonl"
python3 - "$W" <<'PY'
import json, sys
w = sys.argv[1]
rows = [json.loads(l) for l in open(w + "/long-train.jsonl", encoding="utf-8") if l.strip()]
with open(w + "/traffic.jsonl", "w") as t, open(w + "/events.jsonl", "w") as e:
    for i, r in enumerate(rows[::12]):
        ev = {"id": "rev-%04d" % i, "role": "completion", "text": r["text"]}
        t.write(json.dumps(dict(ev, labels=r["labels"])) + "\n")
        e.write(json.dumps(ev) + "\n")
PY
./monitor score --pack "$PACK" --jsonl -f "$W/events.jsonl" > "$W/verdicts.jsonl"
python3 scripts/feedback/simulate-reviews.py "$W/traffic.jsonl" "$W/verdicts.jsonl" "$BAND" "$W/reviews.jsonl"
./monitor recalibrate --pack "$PACK" --feedback "$W/reviews.jsonl" --texts "$W/events.jsonl" \
  --data data/seed/dev.jsonl data/seed/short_dev.jsonl -o "$W/pack" --json-out "$W/recalibrate.json" ${EXTRA:-}
