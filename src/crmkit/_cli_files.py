"""The configuration files the command line reads besides ``--options``: pipelines, fields.

``--pipeline FILE`` holds one pipeline (JSON when the name ends in ``.json``, else YAML), as
``Pipeline.to_dict`` writes it; ``--object-fields FILE`` the fields of a custom object type,
as types by name (``{"code": "text", "budget": "number"}``) or a schema with ``fields``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crmkit._optional import require
from crmkit.errors import CrmkitError
from crmkit.fields import Schema
from crmkit.pipeline import Pipeline

__all__ = ["object_fields_file", "pipeline_file"]


def _text(path: Path, option: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CrmkitError(f"{option}: cannot read {path}: {exc.strerror}") from exc


def pipeline_file(path: Path) -> Pipeline:
    """The pipeline a ``--pipeline`` file holds.

    Raises:
        CrmkitError: if the file cannot be read.
        ConfigError: for a file that is not a pipeline (naming the bad value's path).
    """
    text = _text(path, "--pipeline")
    return Pipeline.from_json(text) if path.suffix == ".json" else Pipeline.from_yaml(text)


def object_fields_file(path: Path, object_type: str) -> Schema | dict[str, str]:
    """The fields an ``--object-fields`` file gives *object_type*: types by name, or a schema.

    Raises:
        CrmkitError: if the file cannot be read or is not JSON (or YAML).
        ConfigError: for a schema that does not hold.
    """
    text = _text(path, "--object-fields")
    data: Any
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CrmkitError(f"--object-fields: {path} is not JSON: {exc.msg}") from exc
    else:
        data = require("yaml", extra="yaml").safe_load(text)
    if isinstance(data, dict) and isinstance(data.get("fields"), list):
        return Schema.from_dict({"object_type": object_type, **data})
    if not isinstance(data, dict):
        raise CrmkitError(f"--object-fields: {path} holds no field types by name")
    return {str(k): str(v) for k, v in data.items()}
