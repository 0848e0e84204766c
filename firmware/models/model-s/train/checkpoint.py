"""Model S's float checkpoint: safetensors (float32, little endian), tensors named as in
model.TENSORS, string metadata (how it was trained). Read by tools/gen-weights.ts without PyTorch."""
from __future__ import annotations

import torch
from safetensors.torch import load_file, save_file
from safetensors import safe_open

from model import TENSORS


def save(path: str, tensors: dict[str, torch.Tensor], meta: dict[str, str]) -> None:
    ordered = {k: tensors[k].to(torch.float32).contiguous() for k in TENSORS}
    save_file(ordered, path, metadata=meta)


def load(path: str) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    with safe_open(path, framework='pt') as f:
        meta = f.metadata() or {}
    return load_file(path), meta
