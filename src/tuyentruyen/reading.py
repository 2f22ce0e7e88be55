"""Reading plan-file text safely: YAML and JSON to plain data, with the line of every path.

Internal to :mod:`tuyentruyen.io`. YAML is parsed once, with the safe loader (libyaml's
when PyYAML has it); ``!!python/...`` tags are refused. Anchors and aliases may share a
value, within bounds checked on the node graph before any value is built: an alias may
not sit inside the value it names, and aliases may repeat at most 10 000 values in all
(no "alias bombs"). Values nest at most :data:`MAX_DEPTH` levels. Keys must be text and
may not repeat (in JSON too). Every refusal is a :class:`~tuyentruyen.errors.PlanError`
whose problems name the path and, for YAML, the line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, NamedTuple

import yaml

from tuyentruyen.errors import PlanError, Problem

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

__all__ = [
    "MAX_DEPTH",
    "PlanLoader",
    "duplicate_key",
    "read_json",
    "read_yaml",
    "shown",
    "too_deep",
]

#: How deep values may nest in a plan file (``$.tasks[0].depends_on[0].events[0]`` is
#: six levels). Deeper documents are refused before anything recurses over them.
MAX_DEPTH = 50


def shown(value: Any) -> tuple[str, str]:
    """How a wrong value appears in a message, in English and in Vietnamese.

    Scalars are quoted (long text is cut short). Lists and mappings are only named: their
    repr may be huge, deeply nested or, from Python callers, even cyclic.
    """
    if isinstance(value, Mapping):
        return "a mapping", "một ánh xạ (mapping)"
    if isinstance(value, list | tuple):
        return "a list", "một danh sách"
    if isinstance(value, set | frozenset):  # YAML's !!set
        return "a set", "một tập hợp"
    if isinstance(value, datetime):
        return value.isoformat(sep=" "), value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat(), value.isoformat()
    if isinstance(value, str):
        text = repr(value if len(value) <= 60 else value[:60] + "…")
        return text, text
    if isinstance(value, int) and value.bit_length() > 200:  # repr fails past 4300 digits
        return "a very large number", "một số rất lớn"
    if value is None or isinstance(value, int | float):
        return repr(value), repr(value)
    name = type(value).__name__
    return f"a {name} object", f"một đối tượng {name}"


def too_deep(path: str, line: int | None) -> Problem:
    return Problem(
        path,
        f"nested too deeply (more than {MAX_DEPTH} levels)",
        f"lồng nhau quá sâu (quá {MAX_DEPTH} cấp)",
        line=line,
    )


def duplicate_key(path: str, key: str, line: int | None) -> Problem:
    return Problem(path, f"duplicate key {key!r}", f"khóa {key!r} bị lặp", line=line)


# --- YAML ----------------------------------------------------------------------------

_YAML_TAG = "tag:yaml.org,2002:"
_KEY_TAGS = frozenset((_YAML_TAG + "str", _YAML_TAG + "merge"))


class _BadYamlValue(yaml.constructor.ConstructorError):
    """A YAML value its tag cannot hold (``2023-02-30``, ``!!int abc``), in both languages.

    Raised with the value's position, so the problem names its path and line.
    """

    def __init__(self, node: yaml.Node, en: str, vi: str) -> None:
        super().__init__(None, None, en, node.start_mark)
        self.en = en
        self.vi = vi


class PlanLoader(_SafeLoader):
    """The safe loader, reporting a value its tag cannot hold instead of crashing.

    PyYAML's safe constructors let Python's own errors escape: ``date(2023, 2, 30)``
    raises a bare ``ValueError`` for ``plan_due: 2023-02-30``, ``!!bool maybe`` a
    ``KeyError``. Here they become a :class:`_BadYamlValue` at the value's node.
    """

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> date:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise _BadYamlValue(
                node, f"{node.value} is not a valid date", f"ngày {node.value} không tồn tại"
            ) from None

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError):
            tag = node.tag.replace(_YAML_TAG, "!!")
            shown = repr(node.value)[:60] if isinstance(node, yaml.ScalarNode) else "value"
            raise _BadYamlValue(
                node,
                f"{shown} is not a valid {tag} value",
                f"{shown} không phải giá trị {tag} hợp lệ",
            ) from None


PlanLoader.add_constructor(_YAML_TAG + "timestamp", PlanLoader.construct_yaml_timestamp)


#: How many values YAML aliases may repeat, in all. An alias (``*name``) repeats the
#: value anchored as ``&name``, so a few lines of aliases of aliases can stand for
#: billions of values (an "alias bomb"); a plan file shares a list or two.
_MAX_ALIAS_VALUES = 10_000


class _Visit(NamedTuple):
    """A node for :func:`_walk_yaml` to check."""

    node: yaml.Node
    path: str
    depth: int
    #: The line to name for ``path``: the key's line for a mapping value, else the node's.
    line: int
    #: The line to name if ``node`` is reached through an alias here. The node graph
    #: keeps no position for an alias, so this is the key's line for a mapping value
    #: (``support: *units``) and the list's line for a list item.
    alias_line: int
    #: Inside a value reached through an alias: the line of that alias.
    via_alias: int | None


class _Leave(NamedTuple):
    """In :func:`_walk_yaml`, the children of ``node`` have all been checked."""

    node: yaml.Node


def _walk_yaml(
    root: yaml.Node,
) -> tuple[dict[str, int], dict[tuple[int, int], str], list[Problem]]:
    """Check a composed YAML document before any Python value is built from it.

    Returns the line of every path, the path of every node position (to place the
    constructor's errors), and the problems: keys given twice, keys that are not text,
    an alias inside the value it names, aliases repeating more than
    :data:`_MAX_ALIAS_VALUES` values, and nesting deeper than :data:`MAX_DEPTH`.

    The composer hands back the anchored node itself for ``*name``: a node met a second
    time was reached through an alias, and a node met again while its own children are
    being checked is an alias inside its own value, which would never end. Values
    reached through aliases are walked like the rest, since the Python data will hold
    them as often (their paths are given the alias's line), but counted, so the walk
    stops early on an alias bomb. It uses its own stack: no nesting can exhaust Python's.
    """
    lines: dict[str, int] = {}
    paths: dict[tuple[int, int], str] = {}
    problems: list[Problem] = []
    seen: set[int] = set()  # id() of every node met
    open_nodes: set[int] = set()  # id() of the collections whose children are being checked
    repeats = 0
    first = root.start_mark.line + 1
    stack: list[_Visit | _Leave] = [_Visit(root, "$", 0, first, first, None)]
    while stack:
        item = stack.pop()
        if isinstance(item, _Leave):
            open_nodes.discard(id(item.node))
            continue
        node, path, depth, line, alias_line, via_alias = item
        if id(node) in open_nodes:
            anchored = node.start_mark.line + 1
            problems.append(
                Problem(
                    path,
                    f"this YAML alias is inside the value it names (anchored on line "
                    f"{anchored}), which would never end",
                    f"bí danh YAML này nằm bên trong chính giá trị nó trỏ tới (neo ở dòng "
                    f"{anchored}), lặp vô tận",
                    line=alias_line,
                )
            )
            continue
        if via_alias is None and id(node) in seen:
            via_alias = alias_line
        if via_alias is not None:
            repeats += 1
            if repeats > _MAX_ALIAS_VALUES:
                problems.append(
                    Problem(
                        path,
                        f"YAML aliases repeat too many values (more than "
                        f"{_MAX_ALIAS_VALUES}); write the values out",
                        f"bí danh YAML lặp lại quá nhiều giá trị (quá {_MAX_ALIAS_VALUES}); "
                        "hãy viết các giá trị ra",
                        line=via_alias,
                    )
                )
                break
            line = via_alias
        seen.add(id(node))
        lines.setdefault(path, line)
        paths.setdefault((node.start_mark.line, node.start_mark.column), path)
        if isinstance(node, yaml.ScalarNode):
            continue
        if depth >= MAX_DEPTH:
            problems.append(too_deep(path, line))
            continue
        children: list[_Visit | _Leave] = []
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1 if via_alias is None else via_alias
                # `<<` (a merge key) is text as written, with a tag of its own.
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _KEY_TAGS:
                    if via_alias is None:  # problems in a repeated value are reported once
                        problems.append(_not_text_key(path, key_node, key_line))
                    continue
                key = key_node.value
                child = f"{path}.{key}"
                if key in keys and via_alias is None:
                    problems.append(duplicate_key(child, key, key_line))
                keys.add(key)
                lines[child] = key_line
                children.append(_Visit(value_node, child, depth + 1, key_line, key_line, via_alias))
        elif isinstance(node, yaml.SequenceNode):
            children = [
                _Visit(child, f"{path}[{i}]", depth + 1, child.start_mark.line + 1, line, via_alias)
                for i, child in enumerate(node.value)
            ]
        open_nodes.add(id(node))
        stack.append(_Leave(node))
        stack.extend(reversed(children))  # reversed: problems come in document order
    return lines, paths, problems


def _not_text_key(path: str, key_node: yaml.Node, line: int) -> Problem:
    if isinstance(key_node, yaml.ScalarNode):
        return Problem(
            path,
            f'keys must be text, found {key_node.value}; put it in quotes: "{key_node.value}"',
            f"khóa phải là văn bản, gặp {key_node.value}; hãy đặt trong dấu nháy: "
            f'"{key_node.value}"',
            line=line,
        )
    en, vi = shown([] if isinstance(key_node, yaml.SequenceNode) else {})
    return Problem(
        path,
        f"keys must be text, found {en}",
        f"khóa phải là văn bản, gặp {vi}",
        line=line,
    )


def read_yaml(text: str) -> tuple[Any, dict[str, int]]:
    """Parse YAML once: compose the node graph, check it, then build the Python values.

    Returns the data and the line of every path. Raises :class:`PlanError`.
    """
    paths: dict[tuple[int, int], str] = {}
    try:
        loader = PlanLoader(text)
    except UnicodeEncodeError as exc:  # a lone surrogate in a str: libyaml reads UTF-8
        raise PlanError(
            [
                Problem(
                    "$",
                    f"not valid Unicode text (character {exc.start})",
                    f"không phải văn bản Unicode hợp lệ (ký tự thứ {exc.start})",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:  # the pure-Python reader checks the characters first
        raise PlanError([_yaml_problem(exc, paths)]) from None
    try:
        node = loader.get_single_node()
        if node is None:  # an empty document
            return None, {}
        lines, paths, problems = _walk_yaml(node)
        if problems:
            raise PlanError(problems)
        return loader.construct_document(node), lines
    except yaml.YAMLError as exc:
        raise PlanError([_yaml_problem(exc, paths)]) from None
    except RecursionError:  # the pure-Python composer recurses once per nesting level
        # libyaml's parser has no get_mark(); it stops at 1000 levels instead.
        mark = loader.get_mark() if hasattr(loader, "get_mark") else None
        raise PlanError([too_deep("$", mark.line + 1 if mark else None)]) from None
    finally:
        loader.dispose()


def _yaml_problem(exc: yaml.YAMLError, paths: Mapping[tuple[int, int], str]) -> Problem:
    """The problem for an error of the YAML reader, parser or constructor.

    Placed at the path of the node it names (``paths``, by position) if known, and its line.
    """
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Problem("$", f"malformed YAML: {exc}", f"YAML sai cú pháp: {exc}")
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    path = paths.get((mark.line, mark.column), "$") if mark else "$"
    what = f"{exc.problem or ''} {exc.context or ''}".strip() or "malformed YAML"
    if isinstance(exc, _BadYamlValue):
        en, vi = exc.en, exc.vi
    elif "maximum nesting depth" in what:  # libyaml stops at 1000 levels
        problem = too_deep(path, line)
        en, vi = problem.en, problem.vi
    elif "could not determine a constructor" in what or "python/" in what:
        # PyYAML names the tag in full: 'tag:yaml.org,2002:python/name:os.system'.
        found = re.search(r"for the tag '(.*)'", what)
        tag = found.group(1).replace(_YAML_TAG, "!!") if found else what
        en = f"unsafe or unknown YAML tag refused: {tag}"
        vi = f"từ chối thẻ YAML không an toàn hoặc không biết: {tag}"
    else:
        en, vi = f"malformed YAML: {what}", f"YAML sai cú pháp: {what}"
    return Problem(path, en, vi, line=line)


# --- JSON ----------------------------------------------------------------------------


class _JsonObject(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once.

    :func:`json.loads` would silently keep the last value of a repeated key.
    """

    duplicates: tuple[str, ...] = ()

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> _JsonObject:
        obj = cls(pairs)
        if len(obj) < len(pairs):
            seen: set[str] = set()
            repeated = []
            for key, _ in pairs:
                if key in seen:
                    repeated.append(key)
                seen.add(key)
            obj.duplicates = tuple(repeated)
        return obj


def read_json(text: str) -> Any:
    """Parse JSON, refusing repeated keys and deep nesting. Raises :class:`PlanError`."""
    try:
        data = json.loads(text, object_pairs_hook=_JsonObject.from_pairs)
    except json.JSONDecodeError as exc:
        raise PlanError(
            [
                Problem(
                    "$",
                    f"malformed JSON: {exc.msg}",
                    f"JSON sai cú pháp: {exc.msg}",
                    line=exc.lineno,
                )
            ]
        ) from None
    except RecursionError:  # the decoder recurses once per nesting level
        raise PlanError([too_deep("$", None)]) from None
    except ValueError as exc:  # e.g. an integer too long to convert
        raise PlanError(
            [Problem("$", f"malformed JSON: {exc}", f"JSON sai cú pháp: {exc}")]
        ) from None

    problems: list[Problem] = []
    stack: list[tuple[Any, str, int]] = [(data, "$", 0)]
    while stack:
        value, path, depth = stack.pop()
        children: list[tuple[Any, str, int]] = []
        if isinstance(value, dict | list) and depth >= MAX_DEPTH:
            problems.append(too_deep(path, None))
            continue
        if isinstance(value, _JsonObject):
            problems += [duplicate_key(f"{path}.{k}", k, None) for k in value.duplicates]
            children = [(v, f"{path}.{k}", depth + 1) for k, v in value.items()]
        elif isinstance(value, list):
            children = [(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
        stack.extend(reversed(children))  # reversed: problems come in document order
    if problems:
        raise PlanError(problems)
    return data
