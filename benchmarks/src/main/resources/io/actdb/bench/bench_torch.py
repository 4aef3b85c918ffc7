"""Times a TorchScript model in PyTorch on the CPU: the Python baseline for actdb's extraction.

    python3 bench_torch.py MODEL.pt [--batch 32] [--batches 10] [--threads 2]

Feeds random batch x 3 x 224 x 224 inputs (fixed seed) after a warm-up, in inference mode, and
prints name=value lines: torch_images_per_s, batch, batches, threads, seconds, torch_version.
"""

import argparse
import time

import torch

WARM_UP_BATCHES = 3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a TorchScript file, e.g. from export_resnet18.py")
    parser.add_argument("--batch", type=int, default=32, help="images per forward")
    parser.add_argument("--batches", type=int, default=10, help="timed forwards")
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    model = torch.jit.load(args.model, map_location="cpu").eval()
    generator = torch.Generator().manual_seed(0)
    inputs = torch.rand(args.batch, 3, 224, 224, generator=generator)

    with torch.inference_mode():
        # The TorchScript profiling executor optimises the graph during the first calls.
        for _ in range(WARM_UP_BATCHES):
            model(inputs)
        start = time.perf_counter()
        for _ in range(args.batches):
            model(inputs)
        seconds = time.perf_counter() - start

    print(f"torch_images_per_s={args.batch * args.batches / seconds:.2f}")
    print(f"batch={args.batch}")
    print(f"batches={args.batches}")
    print(f"threads={torch.get_num_threads()}")
    print(f"seconds={seconds:.3f}")
    print(f"torch_version={torch.__version__}")


if __name__ == "__main__":
    main()
