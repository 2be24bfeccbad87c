#!/usr/bin/env python3
"""Generate provider-schemas/aws.json from the per-type tables in provider-schemas/tables/.

The tables are plumb's own, written by hand from the AWS provider's Go source and docs; the
format is described in provider-schemas/README.md. The output is a `terraform providers schema
-json` document holding only the resource types that have a table.

Usage:
    scripts/gen-provider-schemas.py            # write provider-schemas/aws.json
    scripts/gen-provider-schemas.py --check    # exit 1 if the committed JSON is stale

Standard library only.
"""

import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLES = os.path.join(ROOT, "provider-schemas", "tables")
OUTPUT = os.path.join(ROOT, "provider-schemas", "aws.json")
PROVIDER = "registry.terraform.io/hashicorp/aws"

ATTRIBUTE_FLAGS = ("required", "optional", "computed", "sensitive", "deprecated")
NESTING_MODES = ("single", "group", "list", "set", "map")


class TableError(Exception):
    pass


def parse_type(text):
    """`string`, `list(string)`, `map(number)`, `object({a=string,b=list(bool)})` -> cty JSON."""
    text = text.strip()
    if text in ("string", "number", "bool", "dynamic"):
        return text
    match = re.fullmatch(r"(list|set|map)\((.*)\)", text)
    if match:
        return [match.group(1), parse_type(match.group(2))]
    match = re.fullmatch(r"object\(\{(.*)\}\)", text)
    if match:
        fields = {}
        for part in split_top_level(match.group(1)):
            name, _, ty = part.partition("=")
            if not ty:
                raise TableError(f"object field without a type: {part!r}")
            fields[name.strip()] = parse_type(ty)
        return ["object", fields]
    raise TableError(f"unknown type {text!r}")


def split_top_level(text):
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if text[start:].strip():
        parts.append(text[start:])
    return parts


def new_block():
    return {"attributes": {}, "block_types": {}}


def find_block(root, parents, where):
    block = root
    for name in parents:
        nested = block["block_types"].get(name)
        if nested is None:
            raise TableError(f"{where}: parent block {name!r} is not declared above")
        block = nested["block"]
    return block


def parse_table(path):
    type_name = os.path.basename(path)[: -len(".txt")]
    version = None
    root = new_block()
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            where = f"{os.path.relpath(path, ROOT)}:{number}"
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            words = line.split()
            if words[0] == "version":
                if len(words) != 2 or not words[1].isdigit():
                    raise TableError(f"{where}: expected `version N`")
                version = int(words[1])
                continue
            if words[0] == "timeouts":
                # Shorthand for the SDK's `timeouts` block: one optional string per operation.
                block = {"nesting_mode": "single", "block": new_block()}
                for op in words[1:]:
                    if op not in ("create", "read", "update", "delete", "default"):
                        raise TableError(f"{where}: unknown timeout {op!r}")
                    block["block"]["attributes"][op] = {"type": "string", "optional": True}
                root["block_types"]["timeouts"] = block
                continue
            if len(words) < 2:
                raise TableError(f"{where}: expected `path type flags...`")
            *parents, name = words[0].split(".")
            parent = find_block(root, parents, where)
            if name in parent["attributes"] or name in parent["block_types"]:
                raise TableError(f"{where}: {words[0]} declared twice")
            kind = words[1]
            if kind.startswith("block:"):
                mode = kind[len("block:"):]
                if mode not in NESTING_MODES:
                    raise TableError(f"{where}: unknown nesting mode {mode!r}")
                nested = {"nesting_mode": mode, "block": new_block()}
                for word in words[2:]:
                    key, _, value = word.partition("=")
                    if key not in ("min", "max") or not value.isdigit():
                        raise TableError(f"{where}: unknown block option {word!r}")
                    nested[f"{key}_items"] = int(value)
                parent["block_types"][name] = nested
                continue
            try:
                attribute = {"type": parse_type(kind)}
            except TableError as err:
                raise TableError(f"{where}: {err}") from None
            for word in words[2:]:
                if word not in ATTRIBUTE_FLAGS:
                    raise TableError(f"{where}: unknown flag {word!r}")
                attribute[word] = True
            if not any(attribute.get(f) for f in ("required", "optional", "computed")):
                raise TableError(f"{where}: {words[0]} is neither required, optional nor computed")
            if attribute.get("required") and (attribute.get("optional") or attribute.get("computed")):
                raise TableError(f"{where}: {words[0]} is required and optional/computed")
            parent["attributes"][name] = attribute
    if version is None:
        raise TableError(f"{os.path.relpath(path, ROOT)}: no `version N` line")
    return type_name, {"version": version, "block": prune(root)}


def prune(block):
    """Drops empty `attributes`/`block_types` maps, as Terraform does."""
    out = {}
    if block["attributes"]:
        out["attributes"] = block["attributes"]
    if block["block_types"]:
        out["block_types"] = {
            name: {**nested, "block": prune(nested["block"])}
            for name, nested in block["block_types"].items()
        }
    return out


def generate():
    tables = sorted(f for f in os.listdir(TABLES) if f.endswith(".txt"))
    schemas = {}
    for table in tables:
        type_name, schema = parse_table(os.path.join(TABLES, table))
        schemas[type_name] = schema
    document = {
        "format_version": "1.0",
        "provider_schemas": {PROVIDER: {"resource_schemas": schemas}},
    }
    text = json.dumps(document, indent=1, sort_keys=True) + "\n"
    return text, schemas


def main(argv):
    check = "--check" in argv[1:]
    unknown = [a for a in argv[1:] if a != "--check"]
    if unknown:
        print(f"usage: {argv[0]} [--check]", file=sys.stderr)
        return 2
    print(f"reading tables in {os.path.relpath(TABLES, ROOT)}/")
    try:
        text, schemas = generate()
    except TableError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"{len(schemas)} resource types: {', '.join(sorted(schemas))}")
    target = os.path.relpath(OUTPUT, ROOT)
    if check:
        try:
            with open(OUTPUT, encoding="utf-8") as handle:
                current = handle.read()
        except FileNotFoundError:
            current = None
        if current != text:
            print(
                f"error: {target} is not what the tables generate; "
                "run scripts/gen-provider-schemas.py and commit the result",
                file=sys.stderr,
            )
            return 1
        print(f"{target} is up to date")
        return 0
    with open(OUTPUT, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"wrote {target} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
