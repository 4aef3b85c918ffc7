"""Makes the ONNX fixture of OnnxImageModelTest: the tiny CNN of make_fixtures.py, same weights,
exported with torch.onnx.export, and the PyTorch outputs of its layers.

Re-run from this folder with Debian's PyTorch (apt-get install python3-torch):

    python3 make_onnx_fixture.py

It writes, next to itself:
  tiny_cnn.onnx              input "images" (N x 1 x 28 x 28, N dynamic), output "logits" only:
                             conv1, conv2 and hidden stay intermediate tensors, to be captured
  tiny_cnn_onnx_expected.json  for each layer, the ONNX tensor that holds it and the PyTorch
                             output for the input batch of make_fixtures.py (eval mode)
  two_inputs.onnx            x + y of two float inputs (N x 4): a signature actdb refuses
"""

import json
from pathlib import Path

import torch

from make_fixtures import LAYERS, LogitsOnly, as_json, input_batch, make_weights

HERE = Path(__file__).resolve().parent

# The tensors torch.onnx (1.13) names after the module scopes: the last op of each layer block.
TENSORS = {
    "conv1": "/conv1/conv1.3/MaxPool_output_0",
    "conv2": "/conv2/conv2.2/MaxPool_output_0",
    "hidden": "/hidden/hidden.2/Relu_output_0",
    "logits": "logits",
}


class TwoInputs(torch.nn.Module):
    def forward(self, x, y):
        return x + y


def main():
    model = LogitsOnly()
    model.load_state_dict(make_weights())
    model.eval()
    x = input_batch()
    path = HERE / "tiny_cnn.onnx"
    torch.onnx.export(
        model, torch.zeros(1, 1, 28, 28), str(path), input_names=["images"],
        output_names=["logits"], dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=13)
    onnx_bytes = path.read_bytes()
    for tensor in TENSORS.values():
        assert tensor.encode() in onnx_bytes, tensor + " is not in the exported graph"
    with torch.no_grad():
        expected = model.layers(x)
    document = {
        "torch_version": torch.__version__,
        "input": "x[n, 0, i, j] = sin(0.1 * (n + 1) * (i + 2 * j))",
        "input_shape": list(x.shape),
        "tensors": TENSORS,
        "layers": {name: as_json(expected[name]) for name in LAYERS},
    }
    (HERE / "tiny_cnn_onnx_expected.json").write_text(json.dumps(document) + "\n")
    print(path.name, path.stat().st_size, "bytes")
    torch.onnx.export(
        TwoInputs(), (torch.zeros(1, 4), torch.zeros(1, 4)), str(HERE / "two_inputs.onnx"),
        input_names=["x", "y"], output_names=["sum"], opset_version=13)


if __name__ == "__main__":
    main()
