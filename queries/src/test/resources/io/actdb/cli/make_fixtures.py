"""Makes channel_means.pt, the TorchScript fixture of ExtractCommandTest that takes any input.

Re-run from this folder with Debian's PyTorch (apt-get install python3-torch):

    /usr/bin/python3 make_fixtures.py

channel_means.pt: no weights; forward(x) returns {"means": x.mean over H and W (N x C),
"corner": x[:, :, 0, 0] (N x C)}, so it runs on images of any size and channel count (an
image folder's 3x224x224 as well as IDX's 1x28x28).

tiny_cnn_dict.pt and tiny_cnn_tuple.pt beside it are copies of the extractor's fixtures
(extractor/src/test/resources/io/actdb/extractor/model/make_fixtures.py makes them).
"""

import zipfile
from pathlib import Path
from typing import Dict

import torch
from torch import nn

HERE = Path(__file__).resolve().parent


class ChannelMeans(nn.Module):
    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        return {"means": x.mean(dim=[2, 3]), "corner": x[:, :, 0, 0]}


def save_without_debug_info(module: torch.jit.ScriptModule, path: Path):
    """Saves a TorchScript module without its *.debug_pkl records (they hold this machine's paths)."""
    module.save(str(path))
    with zipfile.ZipFile(path) as saved:
        records = [(info, saved.read(info)) for info in saved.infolist()
                   if not info.filename.endswith(".debug_pkl")]
    with zipfile.ZipFile(path, "w") as stripped:
        for info, data in records:
            stripped.writestr(info, data)


def main():
    path = HERE / "channel_means.pt"
    save_without_debug_info(torch.jit.script(ChannelMeans()), path)
    out = torch.jit.load(str(path))(torch.arange(24.0).reshape(1, 2, 3, 4))
    assert out["means"].tolist() == [[5.5, 17.5]], out
    assert out["corner"].tolist() == [[0.0, 12.0]], out
    print(path.name, path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
