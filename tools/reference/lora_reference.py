"""LoRA on GPT-2's fused c_attn, as PEFT computes it (plain PyTorch; PEFT is not installed).

PEFT's lora.Linear over a Conv1D (fan_in_fan_out=True): y = x @ W + b + (dropout(x) @ A^T @ B^T) * (alpha / r),
W the Conv1D weight [in, out]; merge: W += (B @ A).T * (alpha / r). Writes tests/LlmForge.Models.Tests/Fixtures/lora/:
x.npy [2, 3, 8], c_attn_weight.npy [8, 24] (Conv1D), c_attn_bias.npy [24], lora_A.npy [2, 8], lora_B.npy [24, 2],
grad_out.npy [2, 3, 24], y.npy, dA.npy, dB.npy (of sum(y * grad_out)), merged_weight.npy [8, 24]; r 2, alpha 4.
Run: /usr/bin/python3 tools/reference/lora_reference.py
"""
import os
import numpy as np
import torch

torch.manual_seed(0)
r, alpha, c = 2, 4.0, 8
scaling = alpha / r
x = torch.randn(2, 3, c, dtype=torch.float64)
w = torch.randn(c, 3 * c, dtype=torch.float64) * 0.3
b = torch.randn(3 * c, dtype=torch.float64) * 0.1
a = (torch.rand(r, c, dtype=torch.float64) * 2 - 1) / c ** 0.5
bb = torch.randn(3 * c, r, dtype=torch.float64) * 0.2
g = torch.randn(2, 3, 3 * c, dtype=torch.float64)
a.requires_grad_(True)
bb.requires_grad_(True)

y = x @ w + b + (x @ a.T @ bb.T) * scaling
(y * g).sum().backward()
merged = w + (bb @ a).T.detach() * scaling
assert torch.allclose(x @ merged + b, y.detach())

out = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "LlmForge.Models.Tests", "Fixtures", "lora")
os.makedirs(out, exist_ok=True)
for name, t in [("x", x), ("c_attn_weight", w), ("c_attn_bias", b), ("lora_A", a), ("lora_B", bb), ("grad_out", g),
                ("y", y), ("dA", a.grad), ("dB", bb.grad), ("merged_weight", merged)]:
    np.save(os.path.join(out, name + ".npy"), t.detach().numpy().astype(np.float32))
print("wrote", out)
