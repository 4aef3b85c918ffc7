"""Makes the TorchScript fixtures of TorchScriptModelTest and the outputs they must give.

Re-run from this folder with Debian's PyTorch (apt-get install python3-torch):

    python3 make_fixtures.py

(with the python3 that has Debian's torch 1.13; a pyenv or venv python3 first on PATH may lack it).

It writes, next to itself:
  tiny_cnn_dict.pt      the network scripted, forward returns {"conv1": ..., "logits": ...}
  tiny_cnn_tuple.pt     the same weights traced, forward returns (conv1, conv2, hidden, logits)
  tiny_cnn_expected.json  every layer's output for the input batch below, in eval mode
  tiny_cnn_logits.pt    the same weights traced, forward returns the logits tensor alone
  tiny_cnn_state_dict.pt  the weights saved with torch.save: a PyTorch file, but not TorchScript
  scalar_output.pt      no weights, forward returns (x, x.mean()): an output without the batch

The input batch is defined by a formula so the Java test can rebuild it without a file:
    x[n, 0, i, j] = sin(0.1 * (n + 1) * (i + 2 * j)),  n < 3, i, j < 28
"""

import json
import math
import zipfile
from pathlib import Path
from typing import Dict

import torch
from torch import nn

HERE = Path(__file__).resolve().parent
BATCH = 3
SIDE = 28
LAYERS = ["conv1", "conv2", "hidden", "logits"]


class TinyCnn(nn.Module):
    """1x28x28 -> conv1 (4x14x14) -> conv2 (8x7x7) -> hidden (16) -> logits (10)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
        self.conv2 = nn.Sequential(nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.hidden = nn.Sequential(nn.Flatten(), nn.Linear(8 * 7 * 7, 16), nn.ReLU())
        self.logits = nn.Linear(16, 10)

    def layers(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        conv1 = self.conv1(x)
        conv2 = self.conv2(conv1)
        hidden = self.hidden(conv2)
        return {"conv1": conv1, "conv2": conv2, "hidden": hidden, "logits": self.logits(hidden)}


class DictOutputs(TinyCnn):
    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        return self.layers(x)


class TupleOutputs(TinyCnn):
    def forward(self, x: torch.Tensor):
        out = self.layers(x)
        return out["conv1"], out["conv2"], out["hidden"], out["logits"]


class LogitsOnly(TinyCnn):
    def forward(self, x: torch.Tensor):
        return self.layers(x)["logits"]


class ScalarOutput(nn.Module):
    def forward(self, x: torch.Tensor):
        return x, x.mean()


def make_weights() -> Dict[str, torch.Tensor]:
    torch.manual_seed(20240501)
    model = TinyCnn()
    # Running statistics far from what this input produces, so a model run in training mode
    # (batch statistics) gives visibly different numbers than one run in eval mode.
    bn = model.conv1[1]
    with torch.no_grad():
        bn.running_mean.copy_(torch.tensor([0.3, -0.2, 0.5, -0.4]))
        bn.running_var.copy_(torch.tensor([0.25, 2.0, 0.6, 1.5]))
        bn.weight.copy_(torch.tensor([1.5, 0.8, -1.2, 1.1]))
        bn.bias.copy_(torch.tensor([0.1, -0.3, 0.2, 0.05]))
    return model.state_dict()


def save_without_debug_info(module: torch.jit.ScriptModule, path: Path):
    """Saves a TorchScript module without its *.debug_pkl records.

    Those hold, for error tracebacks, the absolute paths of the Python sources that were
    compiled: this machine's paths have no place in the repository, and libtorch loads the
    file without them.
    """
    module.save(str(path))
    with zipfile.ZipFile(path) as saved:
        records = [(info, saved.read(info)) for info in saved.infolist()
                   if not info.filename.endswith(".debug_pkl")]
    with zipfile.ZipFile(path, "w") as stripped:
        for info, data in records:
            stripped.writestr(info, data)


def input_batch() -> torch.Tensor:
    x = torch.empty(BATCH, 1, SIDE, SIDE)
    for n in range(BATCH):
        for i in range(SIDE):
            for j in range(SIDE):
                x[n, 0, i, j] = math.sin(0.1 * (n + 1) * (i + 2 * j))
    return x


def as_json(t: torch.Tensor) -> dict:
    # 9 significant digits give back the exact float32.
    return {"shape": list(t.shape), "values": [float("%.9g" % v) for v in t.flatten().tolist()]}


def main():
    weights = make_weights()
    x = input_batch()

    dict_model = DictOutputs()
    dict_model.load_state_dict(weights)
    dict_model.eval()
    tuple_model = TupleOutputs()
    tuple_model.load_state_dict(weights)
    tuple_model.eval()
    logits_model = LogitsOnly()
    logits_model.load_state_dict(weights)
    logits_model.eval()

    scripted = torch.jit.script(dict_model)
    traced = torch.jit.trace(tuple_model, torch.zeros(1, 1, SIDE, SIDE))
    save_without_debug_info(scripted, HERE / "tiny_cnn_dict.pt")
    save_without_debug_info(traced, HERE / "tiny_cnn_tuple.pt")
    save_without_debug_info(torch.jit.trace(logits_model, torch.zeros(1, 1, SIDE, SIDE)), HERE / "tiny_cnn_logits.pt")
    save_without_debug_info(torch.jit.script(ScalarOutput()), HERE / "scalar_output.pt")
    torch.save(weights, str(HERE / "tiny_cnn_state_dict.pt"))

    with torch.no_grad():
        expected = dict_model(x)
        dict_model.train()
        train_mode_conv1 = dict_model(x)["conv1"]
        dict_model.eval()

    # The saved files must give the same numbers once loaded back.
    reloaded_dict = torch.jit.load(str(HERE / "tiny_cnn_dict.pt"))(x)
    reloaded_tuple = torch.jit.load(str(HERE / "tiny_cnn_tuple.pt"))(x)
    reloaded_logits = torch.jit.load(str(HERE / "tiny_cnn_logits.pt"))(x)
    assert torch.allclose(reloaded_logits, expected["logits"], rtol=1e-6, atol=1e-7)
    for k, name in enumerate(LAYERS):
        assert torch.equal(reloaded_dict[name], expected[name]), name
        assert torch.allclose(reloaded_tuple[k], expected[name], rtol=1e-6, atol=1e-7), name

    train_mode_difference = (train_mode_conv1 - expected["conv1"]).abs().max().item()
    document = {
        "torch_version": torch.__version__,
        "input": "x[n, 0, i, j] = sin(0.1 * (n + 1) * (i + 2 * j))",
        "input_shape": [BATCH, 1, SIDE, SIDE],
        "layers": {name: as_json(expected[name]) for name in LAYERS},
        # How far conv1 would be off had the model run in training mode.
        "conv1_train_mode_max_abs_difference": train_mode_difference,
    }
    (HERE / "tiny_cnn_expected.json").write_text(json.dumps(document) + "\n")
    print("conv1 max |train - eval| =", train_mode_difference)
    for f in sorted(HERE.glob("*.pt")) + [HERE / "tiny_cnn_expected.json"]:
        print(f.name, f.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
