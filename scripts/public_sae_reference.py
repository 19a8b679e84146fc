#!/usr/bin/env python3
"""Independent NumPy reference for public SAEs in their PUBLISHED layouts (sibling of saelens_reference.py),
used by the test suite to check `import-sae`: reads the layout's own files, applies the layout's own encoding
formula, and writes the dense codes [rows, d_sae] (float64) to --out.

  gemmascope1   params.npz                      pre = x @ W_enc + b_enc;           f = relu(pre) * (pre > threshold)
  gemmascope2   params.safetensors (lower-case)  same formula, w_enc / b_enc / threshold
  sparsify      cfg.json + sae.safetensors       pre = relu((x - b_dec) @ encoder.weight.T + encoder.bias); f = topk(pre, k)
  llamascope    hyperparams.json + checkpoints/final.safetensors
                c = sqrt(d_model) / dataset_average_activation_norm.in (dataset-wise), n = |decoder column| if
                sparsity_include_decoder_norm else 1; p = (c x) @ encoder.weight.T + encoder.bias;
                h = p * n; f = h * (h > jump_relu_threshold) / n
  saelens       cfg.json + sae_weights.safetensors (+ activation_scaler.json for expected_average_only_in: x <- S x)
                pre = (x - b_dec * apply_b_dec_to_input) @ W_enc + b_enc; relu / jumprelu / topk as SAELens
"""
import argparse, json, pathlib, struct
import numpy as np


def safetensors(path):
    raw = pathlib.Path(path).read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        a, b = spec["data_offsets"]
        dt = {"F32": "<f4", "F16": "<f2"}[spec["dtype"]]
        out[name] = np.frombuffer(raw[8 + n + a:8 + n + b], dtype=dt).astype(np.float64).reshape(spec["shape"])
    return out


def topk(pre, k):
    f = np.zeros_like(pre)
    idx = np.argsort(-pre, axis=1, kind="stable")[:, :k]
    rows = np.arange(pre.shape[0])[:, None]
    f[rows, idx] = np.maximum(pre[rows, idx], 0)
    return f


ap = argparse.ArgumentParser()
ap.add_argument("--layout", required=True, choices=["gemmascope1", "gemmascope2", "sparsify", "llamascope", "saelens"])
ap.add_argument("--sae", required=True, help="the layout's directory (or file)")
ap.add_argument("--x", required=True, help="activations .npy [rows, d_in]")
ap.add_argument("--out", required=True, help="dense codes .npy [rows, d_sae]")
a = ap.parse_args()
x = np.load(a.x).astype(np.float64)
d = pathlib.Path(a.sae)

if a.layout == "gemmascope1":
    p = {k: v.astype(np.float64) for k, v in np.load(d / "params.npz").items()}
    pre = x @ p["W_enc"] + p["b_enc"].ravel()
    f = np.maximum(pre, 0) * (pre > p["threshold"].ravel())
elif a.layout == "gemmascope2":
    p = safetensors(d / "params.safetensors")
    pre = x @ p["w_enc"] + p["b_enc"]
    f = np.maximum(pre, 0) * (pre > p["threshold"])
elif a.layout == "sparsify":
    cfg = json.loads((d / "cfg.json").read_text())
    p = safetensors(d / "sae.safetensors")
    pre = np.maximum((x - p["b_dec"]) @ p["encoder.weight"].T + p["encoder.bias"], 0)
    f = topk(pre, cfg["k"])
elif a.layout == "llamascope":
    hp = json.loads((d / "hyperparams.json").read_text())
    p = safetensors(d / "checkpoints/final.safetensors")
    c = 1.0
    if hp.get("norm_activation") == "dataset-wise":
        c = np.sqrt(hp["d_model"]) / hp["dataset_average_activation_norm"]["in"]
    n = np.linalg.norm(p["decoder.weight"], axis=0) if hp.get("sparsity_include_decoder_norm") else 1.0
    pr = (c * x) @ p["encoder.weight"].T + p["encoder.bias"]
    h = pr * n
    f = h * (h > hp["jump_relu_threshold"]) / n
else:
    cfg = json.loads((d / "cfg.json").read_text())
    p = safetensors(d / "sae_weights.safetensors")
    if cfg.get("normalize_activations") == "expected_average_only_in":
        x = x * json.loads((d / "activation_scaler.json").read_text())["scaling_factor"]
    pre = (x - p["b_dec"] * cfg.get("apply_b_dec_to_input", True)) @ p["W_enc"] + p["b_enc"]
    arch = cfg.get("architecture", "standard")
    if arch == "jumprelu":
        f = np.maximum(pre, 0) * (pre > p["threshold"])
    elif arch == "topk":
        f = topk(pre, cfg.get("k") or cfg["activation_fn_kwargs"]["k"])
    else:
        f = np.maximum(pre, 0)
np.save(a.out, np.ascontiguousarray(f, dtype=np.float64))
print(f"{a.layout}: codes [{f.shape[0]}, {f.shape[1]}], {int((f > 0).sum())} non-zero -> {a.out}")
