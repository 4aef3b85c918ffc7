"""Exports torchvision's ResNet-18 as TorchScript whose forward returns a dict of named layers.

    python3 export_resnet18.py OUT.pt

A benchmark model for actdb, not a trained one: random weights (fixed seed), since no weights
are downloaded. The layers, for an N x 3 x 224 x 224 input:

    layer1  N x 64 x 56 x 56     layer3  N x 256 x 14 x 14    avgpool  N x 512 (flattened)
    layer2  N x 128 x 28 x 28    layer4  N x 512 x 7 x 7      fc       N x 1000

Prints name=value lines: file, layers, torch_version.
"""

import argparse

import torch
import torchvision
from torchvision.models.feature_extraction import create_feature_extractor

# Graph node -> output name. "flatten" is the pooled vector fc reads, hence "avgpool".
RETURN_NODES = {
    "layer1": "layer1",
    "layer2": "layer2",
    "layer3": "layer3",
    "layer4": "layer4",
    "flatten": "avgpool",
    "fc": "fc",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the TorchScript file to write")
    args = parser.parse_args()

    torch.manual_seed(0)
    resnet = torchvision.models.resnet18(weights=None)
    # Before tracing: a trace keeps the BatchNorm mode it was traced in.
    resnet.eval()
    extractor = create_feature_extractor(resnet, return_nodes=RETURN_NODES)
    example = torch.zeros(1, 3, 224, 224)
    with torch.no_grad():
        # strict=False lets the trace return a dict.
        traced = torch.jit.trace(extractor, example, strict=False)
        outputs = traced(example)
    traced.save(args.out)

    print(f"file={args.out}")
    print("layers=" + ",".join(f"{name}:{'x'.join(map(str, t.shape[1:]))}" for name, t in outputs.items()))
    print(f"torch_version={torch.__version__}")


if __name__ == "__main__":
    main()
