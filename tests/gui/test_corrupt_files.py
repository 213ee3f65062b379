"""200 mutations of valid scenes and figures: each refused with a message, the state unchanged."""

import json
import random

import pytest

from mlphys_gui.tabs import TAB_CLASSES

TOP_MUTATIONS = 200


def mutations(document: dict, rng: random.Random):
    """Damaged versions of a valid scene: bytes and structure."""
    text = json.dumps(document)
    state_keys = list(document["state"])
    for index in range(TOP_MUTATIONS):
        kind = index % 10
        if kind == 0:
            yield text[: rng.randrange(1, len(text))].encode()  # truncated
        elif kind == 1:
            broken = dict(document, state=dict(document["state"]))
            broken["state"][rng.choice(state_keys)] = rng.choice(
                ["text", None, [], {}, True, [[1]], "NaN"]
            )
            yield json.dumps(broken).encode()  # wrong types
        elif kind == 2:
            broken = dict(document, state=dict(document["state"]))
            key = rng.choice(state_keys)
            value = broken["state"][key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                broken["state"][key] = 1e308
            else:
                broken["state"][key] = rng.choice([1e308, -1e308, 10**30, -(10**30)])
            yield json.dumps(broken).encode()  # huge numbers
        elif kind == 3:
            broken = dict(document, state=dict(document["state"]))
            broken["state"][f"extra_{index}"] = 1
            yield json.dumps(broken).encode()  # unknown key
        elif kind == 4:
            broken = dict(document, state=dict(document["state"]))
            broken["state"].pop(rng.choice(state_keys))
            yield json.dumps(broken).encode()  # missing key
        elif kind == 5:
            yield ("[" * 5000 + "]" * 5000).encode()  # deep nesting
        elif kind == 6:
            yield bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))  # not UTF-8
        elif kind == 7:
            yield json.dumps(dict(document, schema=rng.choice([2, 0, "1", None]))).encode()
        elif kind == 8:
            yield json.dumps(dict(document, tab=rng.choice(["", "svd2", 3]))).encode()
        else:
            position = rng.randrange(len(text))
            yield (text[:position] + rng.choice('{}[],:"\\x') + text[position:]).encode()


@pytest.mark.parametrize("tab_name", list(TAB_CLASSES))
def test_damaged_scenes_are_refused_and_state_kept(window, tmp_path, tab_name):
    tab = window.tabs[tab_name]
    window.select_tab(tab_name)
    document = json.loads(
        json.dumps({"app": "mlphys-gui", "schema": 1, "tab": tab_name, "state": tab.state()})
    )
    state = tab.state()
    rng = random.Random(tab_name)
    refused = 0
    for index, data in enumerate(mutations(document, rng)):
        path = tmp_path / f"m{index}.json"
        path.write_bytes(data)
        opened = window.open_scene(path)
        if opened:  # a mutation that happens to be valid (e.g. a float that is still in range)
            tab.restore(json.loads(json.dumps(state)))
            continue
        refused += 1
        assert window.statusBar().currentMessage().startswith("Scene not opened")
        assert tab.state() == state
    assert refused >= 0.9 * TOP_MUTATIONS


def test_damaged_figures_are_refused(window, tmp_path):
    assert window.export(tmp_path / "good.png")
    data = (tmp_path / "good.png").read_bytes()
    state = window.current_tab().state()
    rng = random.Random(1)
    for index in range(40):
        damaged = bytearray(data)
        for _ in range(20):
            damaged[rng.randrange(8, len(damaged))] = rng.randrange(256)
        cut = bytes(damaged[: rng.randrange(9, len(damaged))])
        path = tmp_path / f"bad{index}.png"
        path.write_bytes(cut)
        if not window.open_scene(path):
            assert window.statusBar().currentMessage().startswith("Scene not opened")
        assert window.current_tab().state() == state
