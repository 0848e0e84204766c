"""Model S network in PyTorch: features [20] -> dense 32 (tanh) -> GRU 48 -> GRU 48 ->
dense 20 (sigmoid) = band gains. Two forms with the same parameters:

- ModelS.forward(feats [B, T, 20]) runs whole utterances (torch.nn.GRU);
- ModelS.step(feat [B, 20], state) runs one frame with an explicit state (h1, h2), as the
  firmware does (ms_gru_step: PyTorch gate order r | z | n, b_hn inside r * (...)).

Tensor names and layouts are those of the exported checkpoint (safetensors, float32):
d1_w [32][20], d1_b [32], g1_wx [144][32], g1_uh [144][48], g1_bx [144], g1_bh [144],
g2_wx [144][48], g2_uh [144][48], g2_bx [144], g2_bh [144], d2_w [20][48], d2_b [20].
"""
from __future__ import annotations

import torch
from torch import nn

NB, D1, H1, H2 = 20, 32, 48, 48

# checkpoint name -> (module attribute path, shape)
TENSORS = {
    'd1_w': ('dense1.weight', (D1, NB)),
    'd1_b': ('dense1.bias', (D1,)),
    'g1_wx': ('gru1.weight_ih_l0', (3 * H1, D1)),
    'g1_uh': ('gru1.weight_hh_l0', (3 * H1, H1)),
    'g1_bx': ('gru1.bias_ih_l0', (3 * H1,)),
    'g1_bh': ('gru1.bias_hh_l0', (3 * H1,)),
    'g2_wx': ('gru2.weight_ih_l0', (3 * H2, H1)),
    'g2_uh': ('gru2.weight_hh_l0', (3 * H2, H2)),
    'g2_bx': ('gru2.bias_ih_l0', (3 * H2,)),
    'g2_bh': ('gru2.bias_hh_l0', (3 * H2,)),
    'd2_w': ('dense2.weight', (NB, H2)),
    'd2_b': ('dense2.bias', (NB,)),
}


class ModelS(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense1 = nn.Linear(NB, D1)
        self.gru1 = nn.GRU(D1, H1, batch_first=True)
        self.gru2 = nn.GRU(H1, H2, batch_first=True)
        self.dense2 = nn.Linear(H2, NB)

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        """feats [B, T, 20] -> band gains [B, T, 20], zero initial state."""
        a1 = torch.tanh(self.dense1(feats))
        h1, _ = self.gru1(a1)
        h2, _ = self.gru2(h1)
        return torch.sigmoid(self.dense2(h2))

    def initial_state(self, batch: int = 1, dtype=torch.float32):
        return (torch.zeros(batch, H1, dtype=dtype), torch.zeros(batch, H2, dtype=dtype))

    @staticmethod
    def _gru_cell(gru: nn.GRU, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        gx = x @ gru.weight_ih_l0.T + gru.bias_ih_l0
        gh = h @ gru.weight_hh_l0.T + gru.bias_hh_l0
        n_h = h.shape[-1]
        r = torch.sigmoid(gx[:, :n_h] + gh[:, :n_h])
        z = torch.sigmoid(gx[:, n_h:2 * n_h] + gh[:, n_h:2 * n_h])
        n = torch.tanh(gx[:, 2 * n_h:] + r * gh[:, 2 * n_h:])
        return (1 - z) * n + z * h

    def step(self, feat: torch.Tensor, state):
        """One frame: feat [B, 20], state (h1, h2) -> (gains [B, 20], new state)."""
        h1, h2 = state
        a1 = torch.tanh(self.dense1(feat))
        h1 = self._gru_cell(self.gru1, a1, h1)
        h2 = self._gru_cell(self.gru2, h1, h2)
        return torch.sigmoid(self.dense2(h2)), (h1, h2)

    def stream(self, feats: torch.Tensor) -> torch.Tensor:
        """Frame-by-frame form of forward() (explicit state), for the equality test."""
        state = self.initial_state(feats.shape[0], feats.dtype)
        out = []
        for t in range(feats.shape[1]):
            g, state = self.step(feats[:, t], state)
            out.append(g)
        return torch.stack(out, dim=1)

    def export_tensors(self) -> dict[str, torch.Tensor]:
        params = dict(self.named_parameters())
        return {name: params[attr].detach().to(torch.float32).contiguous() for name, (attr, _) in TENSORS.items()}

    def load_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        params = dict(self.named_parameters())
        with torch.no_grad():
            for name, (attr, shape) in TENSORS.items():
                t = tensors[name]
                if tuple(t.shape) != shape:
                    raise ValueError(f'{name}: shape {tuple(t.shape)}, expected {shape}')
                params[attr].copy_(t.to(params[attr].dtype))
