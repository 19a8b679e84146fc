#!/usr/bin/env python3
"""Independent NumPy reference for the SAE encoder (SAELens formulas), used by the test suite to
cross-check `encode`. Writes, into --out: a SAELens directory (cfg.json + sae_weights.safetensors,
written here with the safetensors wire format), random activations x.npy, and expected.jsonl with
the codes NumPy computes:
  relu:     f = relu((x - b_dec*apply) @ W_enc + b_enc)
  jumprelu: f = relu(pre) * (pre > threshold)
  topk:     f = scatter(topk(pre, k) -> relu)
"""
import argparse, json, pathlib, struct
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--out", required=True)
ap.add_argument("--arch", choices=["relu", "jumprelu", "topk"], required=True)
ap.add_argument("--d-in", type=int, default=32)
ap.add_argument("--d-sae", type=int, default=128)
ap.add_argument("--k", type=int, default=8)
ap.add_argument("--rows", type=int, default=64)
ap.add_argument("--apply-b-dec", type=int, default=1)
ap.add_argument("--seed", type=int, default=0)
a = ap.parse_args()
rng = np.random.default_rng(a.seed)
out = pathlib.Path(a.out); (out / "sae").mkdir(parents=True, exist_ok=True)
W_enc = (rng.standard_normal((a.d_in, a.d_sae)) / np.sqrt(a.d_in)).astype(np.float32)
W_dec = np.ascontiguousarray(W_enc.T)
b_enc = (rng.standard_normal(a.d_sae) * 0.1 - 0.2).astype(np.float32)
b_dec = (rng.standard_normal(a.d_in) * 0.05).astype(np.float32)
thr = (rng.random(a.d_sae) * 0.4).astype(np.float32)
x = rng.standard_normal((a.rows, a.d_in)).astype(np.float32)

tensors = {"W_enc": W_enc, "b_enc": b_enc, "W_dec": W_dec, "b_dec": b_dec}
if a.arch == "jumprelu":
    tensors["threshold"] = thr
header, off, blobs = {}, 0, []
for name, t in tensors.items():
    b = t.astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
    off += len(b); blobs.append(b)
hb = json.dumps(header).encode()
(out / "sae/sae_weights.safetensors").write_bytes(struct.pack("<Q", len(hb)) + hb + b"".join(blobs))
cfg = {"architecture": a.arch if a.arch != "relu" else "standard", "d_in": a.d_in, "d_sae": a.d_sae,
       "apply_b_dec_to_input": bool(a.apply_b_dec), "normalize_activations": "none"}
if a.arch == "topk":
    cfg["activation_fn_kwargs"] = {"k": a.k}
(out / "sae/cfg.json").write_text(json.dumps(cfg))
np.save(out / "x.npy", x)

xin = x.astype(np.float64) - (b_dec if a.apply_b_dec else 0)
pre = xin @ W_enc.astype(np.float64) + b_enc
if a.arch == "relu":
    f = np.maximum(pre, 0)
elif a.arch == "jumprelu":
    f = np.maximum(pre, 0) * (pre > thr)
else:
    f = np.zeros_like(pre)
    idx = np.argsort(-pre, axis=1, kind="stable")[:, : a.k]
    rows = np.arange(pre.shape[0])[:, None]
    f[rows, idx] = np.maximum(pre[rows, idx], 0)
with open(out / "expected.jsonl", "w") as fh:
    for r in range(f.shape[0]):
        nz = np.nonzero(f[r])[0]
        fh.write(json.dumps({"row": r, "features": [[int(j), float(f[r, j])] for j in nz]}) + "\n")
print(f"wrote {a.arch} SAE, x [{a.rows}, {a.d_in}] and expected codes to {out}")
