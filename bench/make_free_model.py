"""Writes a near-free generator with the model card of a real one: the pipeline ceiling benchmark
(inference made ~free, everything else unchanged: same bands, normalisation, tile size, margin, output).

    .venv/bin/python bench/make_free_model.py sample-data/models/eo2sar-default.onnx /tmp/free.onnx [--slice]

The graph is a 1x1 convolution of the input bands to the output bands and a tanh: a few operations
per pixel (the tanh costs ~13 ns a pixel on one EPYC core: 1.9 CPU s of an 8192^2 run), the graph of
the earlier ceiling measurements. --slice: the first input bands as the output (a copy), so nothing
but the pipeline is left.
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(card_model: str, out: str, slice_only: bool = False) -> None:
    src = onnx.load(card_model)
    card = {p.key: p.value for p in src.metadata_props}
    n_in = len(eval(card["eo2sar.input.bands"].replace("true", "True")))
    n_out = len(eval(card["eo2sar.output.bands"].replace("true", "True")))
    w = numpy_helper.from_array(np.full((n_out, n_in, 1, 1), 1.0 / n_in, np.float32), "w")
    in_name, out_name = src.graph.input[0].name, src.graph.output[0].name
    if slice_only:
        inits = [numpy_helper.from_array(np.array([v], np.int64), k) for k, v in (("s", 0), ("e", n_out), ("a", 1))]
        nodes = [helper.make_node("Slice", [in_name, "s", "e", "a"], [out_name])]
    else:
        inits = [w]
        nodes = [helper.make_node("Conv", [in_name, "w"], ["c"]), helper.make_node("Tanh", ["c"], [out_name])]
    graph = helper.make_graph(
        nodes, "free",
        [helper.make_tensor_value_info(in_name, TensorProto.FLOAT, [None, n_in, None, None])],
        [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, [None, n_out, None, None])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    for k, v in card.items():
        p = model.metadata_props.add()
        p.key, p.value = k, v
    p = [m for m in model.metadata_props if m.key == "eo2sar.name"][0]
    p.value = card["eo2sar.name"] + "-free"
    onnx.checker.check_model(model)
    onnx.save(model, out)
    print("wrote", out)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("card_model")
    ap.add_argument("out")
    ap.add_argument("--slice", action="store_true", help="a copy of the first input bands instead of conv + tanh")
    a = ap.parse_args()
    main(a.card_model, a.out, a.slice)
