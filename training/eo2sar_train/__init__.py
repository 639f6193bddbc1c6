"""EO2SAR training: EO->SAR generators (CycleGAN, Pix2Pix, CycleGAN + pair loss), evaluation, ONNX export."""

__version__ = "0.1.0"
