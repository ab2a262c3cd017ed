#!/usr/bin/env python3
"""Write a LLaMA-shaped BF16 safetensors checkpoint of random N(0, 0.02) weights for measuring
`hif4 convert` (docs/convert.md). Needs only numpy. Usage: make_bench_checkpoint.py DIR [LAYERS]"""
import json, os, struct, sys
import numpy as np

def bf16_bytes(a):
    # float32 -> BF16 bit patterns, round to nearest even (values are finite).
    u = a.astype(np.float32).view(np.uint32)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype("<u2").tobytes()

def main():
    out, layers = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 11
    hidden, inter, kv, vocab = 2048, 5632, 256, 32000  # TinyLlama-1.1B's shapes
    shapes = {"model.embed_tokens.weight": (vocab, hidden), "lm_head.weight": (vocab, hidden),
              "model.norm.weight": (hidden,)}
    for i in range(layers):
        p = f"model.layers.{i}."
        shapes.update({p + "self_attn.q_proj.weight": (hidden, hidden), p + "self_attn.k_proj.weight": (kv, hidden),
                       p + "self_attn.v_proj.weight": (kv, hidden), p + "self_attn.o_proj.weight": (hidden, hidden),
                       p + "mlp.gate_proj.weight": (inter, hidden), p + "mlp.up_proj.weight": (inter, hidden),
                       p + "mlp.down_proj.weight": (hidden, inter), p + "input_layernorm.weight": (hidden,),
                       p + "post_attention_layernorm.weight": (hidden,)})
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name in sorted(shapes):
        n = int(np.prod(shapes[name])) * 2
        header[name] = {"dtype": "BF16", "shape": list(shapes[name]), "data_offsets": [offset, offset + n]}
        offset += n
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(1)
    with open(os.path.join(out, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for name in sorted(shapes):
            f.write(bf16_bytes(rng.standard_normal(shapes[name], dtype=np.float32) * 0.02))
    print(f"{out}/model.safetensors: {offset / 1e9:.3f} GB of tensors")

main()
