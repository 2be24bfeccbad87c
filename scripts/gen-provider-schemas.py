#!/usr/bin/env python3
"""Generate provider-schemas/aws-resources.txt.gz, the schema plumb ships, from two sources:

- the facts of every resource type of the AWS provider (names, types, nesting, flags; no
  prose) in a `terraform providers schema -json` document: `$PLUMB_CORPUS/schema/
  aws-6.47.0-resources.json`, or the file given with --facts;
- plumb's own tables in provider-schemas/tables/ (written by hand for the EC2 family; the format
  is described in provider-schemas/README.md). A type with a table takes it whole, over the facts.

The output holds only what plumb uses: under a `resource:NAME VERSION` line per type (types
sorted), one line per attribute or nested block as in the tables, but each name alone, indented
one space per level of nesting below its block; it is gzip-compressed (no name, no time,
so the bytes depend only on the text and the compressor). `--check` compares the text inside the
committed file, so a different zlib build cannot make it look stale.

Usage:
    scripts/gen-provider-schemas.py [--facts FILE]          # write the artefact
    scripts/gen-provider-schemas.py [--facts FILE] --check  # exit 1 if it is stale

Standard library only.
"""

import gzip
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLES = os.path.join(ROOT, "provider-schemas", "tables")
OUTPUT = os.path.join(ROOT, "provider-schemas", "aws-resources.txt.gz")
PROVIDER = "registry.terraform.io/hashicorp/aws"
FACTS = os.path.join("schema", "aws-6.47.0-resources.json")

ATTRIBUTE_FLAGS = ("required", "optional", "computed", "sensitive", "deprecated", "write_only")
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


def type_text(ty):
    """cty JSON (`["list","string"]`) -> the table syntax (`list(string)`), no spaces."""
    if isinstance(ty, str):
        return ty
    kind, arg = ty
    if kind == "object":
        return "object({" + ",".join(f"{k}={type_text(v)}" for k, v in sorted(arg.items())) + "})"
    if kind == "tuple":
        return "tuple([" + ",".join(type_text(v) for v in arg) + "])"
    return f"{kind}({type_text(arg)})"


def block_lines(block, depth, out, where):
    """One line per attribute and nested block, depth first, names sorted; a block's contents
    follow it, indented one space deeper (the path is the names of the lines above)."""
    indent = " " * depth
    for name, attribute in sorted(block.get("attributes", {}).items()):
        if "type" not in attribute:
            # nested_type (plugin framework): no AWS resource of the facts uses it.
            raise TableError(f"{where}: {name}: nested_type is not supported yet")
        flags = [f for f in ATTRIBUTE_FLAGS if attribute.get(f)]
        out.append(indent + " ".join([name, type_text(attribute["type"]), *flags]))
    for name, nested in sorted(block.get("block_types", {}).items()):
        words = [name, "block:" + nested["nesting_mode"]]
        for key in ("min_items", "max_items"):
            if key in nested:
                words.append(f"{key[:3]}={nested[key]}")
        out.append(indent + " ".join(words))
        block_lines(nested["block"], depth + 1, out, where)


def read_facts(path):
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    try:
        return document["provider_schemas"][PROVIDER]["resource_schemas"]
    except (KeyError, TypeError):
        raise TableError(f"{path}: no {PROVIDER} resource_schemas") from None


def generate(facts_path):
    tables = {}
    for table in sorted(f for f in os.listdir(TABLES) if f.endswith(".txt")):
        type_name, schema = parse_table(os.path.join(TABLES, table))
        tables[type_name] = schema
    facts = read_facts(facts_path)
    lines = []
    for type_name in sorted(set(facts) | set(tables)):
        schema = tables.get(type_name) or facts[type_name]
        lines.append(f"resource:{type_name} {schema.get('version', 0)}")
        block_lines(schema["block"], 0, lines, type_name)
    return "\n".join(lines) + "\n", tables, facts


def compress(text):
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def main(argv):
    args = argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    facts_path = None
    if len(args) == 2 and args[0] == "--facts":
        facts_path = args[1]
    elif args:
        print(f"usage: {argv[0]} [--facts FILE] [--check]", file=sys.stderr)
        return 2
    if facts_path is None:
        corpus = os.environ.get("PLUMB_CORPUS") or os.path.join(ROOT, "..", "shared", "corpus")
        facts_path = os.path.join(corpus, FACTS)
    if not os.path.isfile(facts_path):
        print(
            f"error: {facts_path}: no provider facts there; set PLUMB_CORPUS to the shared "
            f"corpus (the directory holding {FACTS}) or pass --facts FILE",
            file=sys.stderr,
        )
        return 1
    print(f"reading tables in {os.path.relpath(TABLES, ROOT)}/ and facts in {facts_path}")
    try:
        text, tables, facts = generate(facts_path)
    except (TableError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    types = len(set(facts) | set(tables))
    print(f"{types} resource types: {len(tables)} from tables, {types - len(tables)} from facts")
    target = os.path.relpath(OUTPUT, ROOT)
    if check:
        try:
            with gzip.open(OUTPUT, "rt", encoding="utf-8", newline="") as handle:
                current = handle.read()
        except (FileNotFoundError, OSError, EOFError):
            current = None
        if current != text:
            print(
                f"error: {target} is not what the tables and facts generate; "
                "run scripts/gen-provider-schemas.py and commit the result",
                file=sys.stderr,
            )
            return 1
        print(f"{target} is up to date")
        return 0
    data = compress(text)
    with open(OUTPUT, "wb") as handle:
        handle.write(data)
    print(f"wrote {target} ({len(data)} bytes, {len(text)} bytes of text)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
