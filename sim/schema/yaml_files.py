"""The YAML files of ``configs/``, read strictly before Hydra composes them.

Hydra's own YAML reading lets a duplicate key silently win, and reports a syntax error, a tab or
a byte-order mark as a traceback without the file's name. Each file is therefore read once with a
strict loader, and the first problem becomes one line naming ``file:line`` (a
:class:`ConfigError` whose field is that place). A file is re-read only when it changes.

Files are read with libyaml (C, about five times faster than PyYAML's Python reader: a quarter of
a second less before the first config); a file it refuses is read again by the Python reader,
whose messages and line numbers the error quotes.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from sim.schema.errors import ConfigError

_checked: dict[Path, tuple[int, int]] = {}  # file -> (mtime_ns, size) of the version found clean


class _NoDuplicateKeys:
    """Mixed into a safe loader: refuse a key given twice in one mapping."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise ConfigError(f"{self.name}:{key_node.start_mark.line + 1}",
                                  f"duplicate key '{key}' (first at line {seen[key]}); "
                                  "keep one of them")
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


class _StrictLoader(_NoDuplicateKeys, yaml.SafeLoader):
    """PyYAML's Python reader: the syntax errors' messages and lines are its."""


class _FastStrictLoader(_NoDuplicateKeys, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's reader, where PyYAML was built with it."""


def check_yaml_file(path: Path, shown_as: str) -> None:
    """Raise ConfigError at ``shown_as:line`` for a BOM, a tab in indentation, bad syntax or a
    duplicate key."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ConfigError(f"{shown_as}:1", "starts with a UTF-8 byte-order mark; "
                                           "save the file as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ConfigError(f"{shown_as}:{line}",
                          "is not valid UTF-8; save the file as UTF-8") from None
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            raise ConfigError(f"{shown_as}:{number}",
                              "a tab in the indentation; YAML indents with spaces only")
    try:
        _read(_FastStrictLoader, text, shown_as)
    except yaml.MarkedYAMLError:
        _raise_syntax_error(text, shown_as)


def _raise_syntax_error(text: str, shown_as: str) -> None:
    """Read ``text``, which libyaml refused, with PyYAML's Python reader, and raise its syntax
    error (message and line) as a ConfigError."""
    try:
        _read(_StrictLoader, text, shown_as)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        problem = " ".join(str(err.problem or err.context or "invalid YAML").split())
        if err.context and err.context_mark and err.context_mark.line + 1 != line:
            problem += f" ({err.context} at line {err.context_mark.line + 1})"
        raise ConfigError(f"{shown_as}:{line}", f"YAML syntax error: {problem}; fix the line "
                                                "(quote values that hold ':' or '#')") from None


def _read(loader_class: type, text: str, shown_as: str) -> None:
    loader = loader_class(text)
    loader.name = shown_as
    try:
        loader.get_single_data()
    finally:
        loader.dispose()


def check_yaml_files(config_dir: Path) -> None:
    """Check every ``*.yaml`` under ``config_dir`` (the config search path) that changed since
    last time."""
    root = config_dir.parent
    for path in sorted(config_dir.rglob("*.yaml")):
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if _checked.get(path) == stamp:
            continue
        check_yaml_file(path, str(path.relative_to(root)))
        _checked[path] = stamp
