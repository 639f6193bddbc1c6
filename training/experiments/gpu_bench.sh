#!/usr/bin/env bash
# GPU measurements for issue 5 that this session could NOT run (no GPU lent). On a CUDA machine,
# from the repository root, with the training package installed (pip install -e 'training[test]'):
#   training/experiments/gpu_bench.sh > gpu-bench.txt
# 1. training images/s, reference (ResNet-9, ngf 64, batch 1, 256², fp32) vs fastest (batch 8,
#    bf16 autocast, channels_last, torch.compile), writes its section of docs/benchmarks.md;
# 2. inference Mpix/s of the shipped model through PyTorch on the GPU (fp32 and bf16, batch 1/8)
#    and through onnxruntime's CUDA provider when onnxruntime-gpu is installed.
set -euo pipefail
export PYTHONPATH=training
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
python3 training/bench/bench_train.py --device cuda --write docs/benchmarks.md
M=sample-data/models/eo2sar-default.onnx
for batch in 1 8; do
  python3 training/experiments/bench_infer.py $M --backend torch --device cuda --tile 512 --batch $batch --repeats 20
  python3 training/experiments/bench_infer.py $M --backend torch --device cuda --tile 512 --batch $batch --repeats 20 --bf16 --channels-last
  python3 training/experiments/bench_infer.py $M --backend torch --device cuda --tile 512 --batch $batch --repeats 20 --bf16 --channels-last --compile
done
python3 -c "import onnxruntime as o, sys; sys.exit(0 if 'CUDAExecutionProvider' in o.get_available_providers() else 1)" \
  && python3 training/experiments/bench_infer.py $M --backend onnxruntime --device cuda --tile 512 --batch 8 --repeats 20 \
  || echo "onnxruntime CUDA provider not installed: skipped"
