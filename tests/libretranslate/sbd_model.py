"""Write a MiniSBD sentence-boundary model that never splits: LibreTranslate's Argos
splits every text into sentences with one, and would download it on first use.

Run with the LibreTranslate virtualenv's python (it has onnx): python sbd_model.py OUT.onnx.
Our segments are sentences already, so the model scores "no boundary" for every character;
MiniSBD itself ends the paragraph's last sentence at its last character.
"""

import json
import sys

import onnx
from onnx import TensorProto, helper

CLASSES = 5  # MiniSBD's labels: none, token end, sentence end, multi-word token, both


def main(path: str) -> None:
    shape = helper.make_node("Shape", ["units"], ["shape"])
    classes = helper.make_tensor("classes", TensorProto.INT64, [1], [CLASSES])
    concat = helper.make_node("Concat", ["shape", "classes"], ["out_shape"], axis=0)
    zeros = helper.make_node("ConstantOfShape", ["out_shape"], ["logits"],
                             value=helper.make_tensor("zero", TensorProto.FLOAT, [1], [0.0]))
    graph = helper.make_graph(
        [shape, concat, zeros], "never-split",
        [helper.make_tensor_value_info("units", TensorProto.INT64, ["batch", "length"]),
         helper.make_tensor_value_info("features", TensorProto.FLOAT,
                                       ["batch", "length", "features"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       ["batch", "length", CLASSES])],
        initializer=[classes])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    units = ["<PAD>", "<UNK>", "<EMPTY>", "<ROOT>"]
    vocab = {"lang": "xx", "idx": 0, "cutoff": 0, "lower": False,
             "_unit2id": {u: i for i, u in enumerate(units)}, "_id2unit": units}
    for key, value in (("lang_code", "xx"), ("config", json.dumps({"feat_funcs": []})),
                       ("vocab", json.dumps(vocab)), ("lexicon", "null")):
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    onnx.save(model, path)


if __name__ == "__main__":
    main(sys.argv[1])
