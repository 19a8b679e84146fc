#!/usr/bin/env python3
"""Export a Hugging Face causal LM's residual stream as the monitor's activation files.

Writes OUT.npy ([tokens, d], float16 or float32, C order) and OUT.index.jsonl (one line per row:
{"row", "text": <text id>, "token": <token id>, "start", "end"}; start/end are the token's span in code
points of the text, from the tokenizer's offset mapping): the format `extract` writes, which `train-sae`,
`label-features`, `calibrate` and `eval` read with --activations (docs/byo-model.md).

Texts come from a JSONL file: {"text": ..., "id": ...}; without "id" a line's id is its 1-based line number
(as `extract --jsonl` numbers lines). Each text is read alone, after the model's BOS (if its tokenizer has one;
--bos none: nothing), without the chat template, and truncated to --max-tokens: send the same activations in
the events (same BOS, same text) or the heads calibrated here will not see what the service scores.

Layers: --layer L takes HF hidden_states[L], the residual stream after L blocks, which is TransformerLens
blocks.{L-1}.hook_resid_post (hidden_states[0] is the embeddings). For the last block HF applies the final
norm to hidden_states[-1]; TransformerLens's hook_resid_post of that block is before it.

  python3 scripts/export_hf_activations.py --model Qwen/Qwen2.5-0.5B --layer 12 --texts texts.jsonl --out acts --f16
  python3 scripts/export_hf_activations.py --standin --d 16 --texts texts.jsonl --out acts    # NumPy only, see below

--standin replaces the model and tokenizer by NumPy fakes (words split at whitespace, seeded random rows) and
runs the same reading and writing code: it checks the file format where torch and transformers are absent.
"""
import argparse
import json
import sys

import numpy as np


def read_texts(path):
    """(id, text) per non-blank line; id is "id" or the 1-based line number."""
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            item = json.loads(line)
            yield str(item["id"]) if item.get("id") is not None else str(line_no), item["text"]


class HfReader:
    """A causal LM's hidden_states[layer] for each content token, with the tokenizer's offsets."""

    def __init__(self, model_id, layer, bos, max_tokens, device, torch_dtype):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        self.torch = torch
        self.tok = AutoTokenizer.from_pretrained(model_id)  # a fast tokenizer: offsets need it
        self.model = AutoModelForCausalLM.from_pretrained(model_id, torch_dtype=getattr(torch, torch_dtype)).to(device).eval()
        self.layer, self.max_tokens, self.device = layer, max_tokens, device
        self.bos = [self.tok.bos_token_id] if bos == "auto" and self.tok.bos_token_id is not None else []

    def read(self, text):
        enc = self.tok(text, add_special_tokens=False, return_offsets_mapping=True, truncation=True,
                       max_length=self.max_tokens - len(self.bos))
        ids = enc["input_ids"]
        if not ids:
            return ids, [], None
        with self.torch.no_grad():
            out = self.model(input_ids=self.torch.tensor([self.bos + ids], device=self.device),
                             output_hidden_states=True)
        rows = out.hidden_states[self.layer][0, len(self.bos):].float().cpu().numpy()  # [tokens, d]
        return ids, enc["offset_mapping"], rows


class StandIn:
    """NumPy-only fake of HfReader: whitespace-split words, offsets in code points, seeded random rows."""

    def __init__(self, d):
        self.d = d

    def read(self, text):
        ids, offsets, i = [], [], 0
        while i < len(text):  # Python str indices are code points, as HF offsets are
            if text[i].isspace():
                i += 1
                continue
            j = i
            while j < len(text) and not text[j].isspace():
                j += 1
            ids.append(sum(map(ord, text[i:j])) % 50000)
            offsets.append((i, j))
            i = j
        rng = np.random.default_rng(sum(map(ord, text)))
        return ids, offsets, rng.standard_normal((len(ids), self.d)).astype(np.float32) if ids else None


def export(reader, texts, out, dtype):
    parts, index = [], []
    for text_id, text in texts:
        ids, offsets, rows = reader.read(text)
        if rows is None:
            continue
        parts.append(rows.astype(dtype))
        for token, (start, end) in zip(ids, offsets):
            index.append({"row": len(index), "text": text_id, "token": int(token), "start": int(start), "end": int(end)})
    np.save(out + ".npy", np.ascontiguousarray(np.concatenate(parts)))
    with open(out + ".index.jsonl", "w", encoding="utf-8") as f:
        for r in index:
            f.write(json.dumps(r) + "\n")
    return len(index)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", help="Hugging Face model id or directory")
    p.add_argument("--layer", type=int, help="HF hidden_states index: blocks applied (TransformerLens L-1 hook_resid_post)")
    p.add_argument("--texts", required=True, help='JSONL of {"id", "text"} (calibrate/eval --texts-out, or labelled data)')
    p.add_argument("--out", required=True, help="output prefix: OUT.npy and OUT.index.jsonl")
    p.add_argument("--f16", action="store_true", help="write float16 (half the size; the monitor reads both)")
    p.add_argument("--bos", choices=["auto", "none"], default="auto", help="put the tokenizer's BOS first (default)")
    p.add_argument("--max-tokens", type=int, default=4096, help="tokens per text, BOS included (default 4096)")
    p.add_argument("--device", default="cpu")
    p.add_argument("--torch-dtype", default="bfloat16", help="the weights' dtype: as the serving stack runs them")
    p.add_argument("--standin", action="store_true", help="NumPy-only fake model and tokenizer (format check)")
    p.add_argument("--d", type=int, default=16, help="--standin row width")
    a = p.parse_args()
    if a.standin:
        reader = StandIn(a.d)
    elif a.model is None or a.layer is None:
        sys.exit("--model and --layer are required (or --standin)")
    else:
        reader = HfReader(a.model, a.layer, a.bos, a.max_tokens, a.device, a.torch_dtype)
    n = export(reader, read_texts(a.texts), a.out, np.float16 if a.f16 else np.float32)
    print(f"{n} rows -> {a.out}.npy, {a.out}.index.jsonl", file=sys.stderr)


if __name__ == "__main__":
    main()
