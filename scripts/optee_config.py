#!/usr/bin/env python3
"""The OP-TEE stack's TF-A inputs (mk/optee.mk), from the OP-TEE folder the
user points OPTEE= at (its sp_layout.json, partition manifest, image and
SPMC-manifest fragment, the layout of ../shared/optee-sp/layout-*):

  optee_config.py layout OUT.json TEST_LAYOUT.json OPTEE_LAYOUT.json
      TF-A's SP_LAYOUT_FILE with the test partitions and OP-TEE's entries;
      OP-TEE's paths, relative to its JSON (as TF-A reads them), made absolute.

  optee_config.py manifest OUT.dts BASE.dts FRAGMENT.dtsi
      tzvisor's SPMC manifest (config/spmc_manifest.dts) with the vm nodes of
      OP-TEE's hypervisor fragment appended to its own hypervisor node,
      renumbered after the last of ours (Hafnium names them vm1, vm2, ...).
      The fragment is Hafnium's `hypervisor { compatible; vmN { ... }; };`;
      a node of the same name would make dtc merge the two, so the vm nodes
      are copied as text.

  optee_config.py check OPTEE_LAYOUT.json
      exits 0 if the folder holds what the build needs, else prints why.
"""
import json
import os
import re
import sys


def optee_entries(path):
    with open(path) as f:
        layout = json.load(f)
    base = os.path.dirname(os.path.abspath(path))
    out = {}
    for name, e in layout.items():
        e = json.loads(json.dumps(e))
        for part in ("image", "pm"):
            if part not in e or "file" not in e[part]:
                raise ValueError("%s: entry %s has no %s file" % (path, name, part))
            f = e[part]["file"]
            e[part]["file"] = f if os.path.isabs(f) else os.path.join(base, f)
            if not os.path.isfile(e[part]["file"]):
                raise ValueError("%s: %s of %s: %s is missing" % (path, part, name, e[part]["file"]))
        out[name] = e
    return out


def block(text, start):
    """The text between the brace at or after `start` and its match (exclusive)."""
    open_at = text.index("{", start)
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return open_at + 1, i
    raise ValueError("unbalanced braces")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def vm_nodes(text):
    """(name, body) of each child of the `hypervisor` node, in order."""
    m = re.search(r"\bhypervisor\s*\{", text)
    if not m:
        raise ValueError("no hypervisor node")
    lo, hi = block(text, m.start())
    body = text[lo:hi]
    nodes = []
    pos = 0
    for m in re.finditer(r"([A-Za-z0-9_,.+-]+(?:@[0-9a-fA-F]+)?)\s*\{", body):
        if m.start() < pos:
            continue
        nlo, nhi = block(body, m.start())
        nodes.append((m.group(1), body[nlo:nhi]))
        pos = nhi + 1
    return nodes


def cmd_layout(out, test_layout, optee_layout):
    with open(test_layout) as f:
        layout = json.load(f)
    for name, e in optee_entries(optee_layout).items():
        if name in layout:
            raise ValueError("OP-TEE's layout entry %s clashes with a test partition" % name)
        layout[name] = e
    with open(out + ".tmp", "w") as f:
        json.dump(layout, f, indent=1)
    os.replace(out + ".tmp", out)


def cmd_manifest(out, base, fragment):
    with open(base) as f:
        text = f.read()
    with open(fragment) as f:
        frag = strip_comments(f.read())
    ours = vm_nodes(strip_comments(text))
    last = max([int(n[2:]) for n, _ in ours if re.fullmatch(r"vm\d+", n)] or [0])
    m = re.search(r"\bhypervisor\s*\{", text)
    _, hi = block(text, m.start())
    hi = text.rindex("\n", 0, hi) + 1  # the start of the closing brace's line
    added = "\t\t/* From %s (scripts/optee_config.py). */\n" % fragment
    for i, (_, body) in enumerate(vm_nodes(frag)):
        added += "\t\tvm%d {%s\n\t\t};\n" % (last + 1 + i, body.rstrip())
    text = text[:hi] + added + text[hi:]
    with open(out + ".tmp", "w") as f:
        f.write(text)
    os.replace(out + ".tmp", out)


def cmd_check(optee_layout):
    folder = os.path.dirname(os.path.abspath(optee_layout))
    if not os.path.isfile(optee_layout):
        print("no OP-TEE at %s (sp_layout.json missing): set OPTEE=<folder>" % folder)
        return 1
    if not os.path.isfile(os.path.join(folder, "spmc_manifest_hypervisor.dtsi")):
        print("%s has no spmc_manifest_hypervisor.dtsi" % folder)
        return 1
    try:
        optee_entries(optee_layout)
    except (ValueError, OSError, json.JSONDecodeError) as e:
        print(str(e))
        return 1
    return 0


def main():
    try:
        if sys.argv[1] == "layout":
            cmd_layout(*sys.argv[2:5])
        elif sys.argv[1] == "manifest":
            cmd_manifest(*sys.argv[2:5])
        elif sys.argv[1] == "check":
            return cmd_check(sys.argv[2])
        else:
            raise ValueError("unknown command %s" % sys.argv[1])
    except (ValueError, OSError, json.JSONDecodeError) as e:
        print("optee_config.py: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
