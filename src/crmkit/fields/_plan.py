"""Building a schema's plan: type-checking every expression and ordering the formulas."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from crmkit.errors import ConfigError, ErrorCode, FormulaError
from crmkit.expr import Expression, FieldType, Function, Reference, compile, references

from ._definitions import FieldDef, FieldKind
from ._options import FormulaOptions, MoneyOptions, PicklistOptions, ReferenceOptions
from ._references import expr_type, reference_type
from ._shape import SchemaParts

__all__ = ["Plan", "build_plan"]

_ALIKE = {
    FieldType.PERCENT: FieldType.NUMBER,
    FieldType.PICKLIST: FieldType.TEXT,
}


class Plan:
    """Everything a schema compiled at build time; private to the package."""

    __slots__ = (
        "by_name",
        "checks",
        "coercers",
        "defaults",
        "deref",
        "expressions",
        "formula_deps",
        "formulas",
        "gating_sections",
        "max_depth",
        "read_only",
        "refs",
        "required_when",
        "rules",
        "section_of",
        "section_visible",
        "steps",
        "types",
        "visible",
    )

    def __init__(self) -> None:
        self.by_name: dict[str, FieldDef] = {}
        # (name, check) for each typed-in field, set by the schema (see _validation)
        self.checks: list[tuple[str, Callable[[object, Mapping[str, object]], Any]]] = []
        self.coercers: dict[str, Callable[[object, Any], object]] = {}
        self.types: dict[str, FieldType | Reference] = {}
        self.formulas: list[tuple[str, Expression]] = []
        self.formula_deps: dict[str, frozenset[str]] = {}
        self.visible: dict[str, Expression] = {}
        self.required_when: dict[str, Expression] = {}
        self.read_only: dict[str, Expression] = {}
        self.defaults: dict[str, Expression] = {}
        self.section_visible: dict[str, Expression] = {}
        self.section_of: dict[str, str] = {}
        self.rules: list[tuple[Any, Expression]] = []
        # where each expression lives ("fields.commission.formula") -> its expression
        self.expressions: dict[str, Expression] = {}
        self.deref: dict[str, str] = {}
        self.refs: dict[str, dict[str, str]] = {}
        self.max_depth = 0
        # validation's per-record steps, set by the schema (see _validation.build_steps)
        self.steps: list[tuple[str, Callable[[object, Mapping[str, object]], Any], bool]] = []
        self.gating_sections: list[tuple[str, Expression]] = []


def _alike(t: FieldType) -> FieldType:
    return _ALIKE.get(t, t)


def _uses(used: frozenset[str], name: str) -> bool:
    return name in used or any(ref.startswith(name + ".") for ref in used)


class _Builder:
    def __init__(self, schema: SchemaParts) -> None:
        self.schema = schema
        self.plan = Plan()
        self.plan.max_depth = schema.max_depth
        self.functions: Sequence[Function] | None = schema.functions or None
        self.index = {f.name: i for i, f in enumerate(schema.fields)}
        # formulas see a money field in its currency, so a blank reads as zero in it
        self.currencies = {
            f.name: f"money:{f.options.currency}"
            for f in schema.fields
            if isinstance(f.options, MoneyOptions)
        }

    def compile(self, path: str, source: str, *, blanks_as_zero: bool = False) -> Expression:
        try:
            expression = compile(
                source,
                {**self.plan.types, **self.currencies},
                blanks_as_zero=blanks_as_zero,
                functions=self.functions,
            )
        except FormulaError as exc:
            raise ConfigError(path, str(exc)) from exc
        for ref in expression.references:
            hops = ref.count(".")
            if hops > self.schema.max_depth:
                raise ConfigError(
                    path,
                    f"{ref!r} reads a record {hops} references away; "
                    f"the limit is {self.schema.max_depth}",
                )
            if hops:
                root = ref.split(".", 1)[0]
                spec = self.plan.by_name.get(root)
                if spec is not None and isinstance(spec.options, ReferenceOptions):
                    self.plan.deref[root] = spec.options.target
        return expression

    def condition(self, path: str, label: str, source: str) -> Expression:
        expression = self.compile(path, source)
        if expression.result_type is not FieldType.BOOL:
            raise ConfigError(
                path, f"a condition must be TRUE or FALSE, not {expression.result_type.value}"
            )
        self.plan.expressions[label] = expression
        return expression

    def fields(self) -> None:
        schema, plan = self.schema, self.plan
        standard = schema.builtin
        plan.types.update(standard)
        for i, f in enumerate(schema.fields):
            if f.name in plan.by_name:
                raise ConfigError(
                    f"fields[{i}].name",
                    f"duplicate field {f.name!r}",
                    code=ErrorCode.CONFIG_DUPLICATE,
                )
            if f.name in standard:
                raise ConfigError(
                    f"fields[{i}].name", f"{f.name!r} is a built-in {schema.object_type} field"
                )
            plan.by_name[f.name] = f
            plain = expr_type(f)
            if plain is not None:
                plan.types[f.name] = plain
            elif isinstance(f.options, ReferenceOptions):
                plan.types[f.name] = reference_type(
                    f.options.target, schema.related, schema.max_depth
                )
        for i, f in enumerate(schema.fields):
            if isinstance(f.options, PicklistOptions) and f.options.controlled_by is not None:
                self.controller(i, f, f.options)

    def controller(self, i: int, f: FieldDef, options: PicklistOptions) -> None:
        path = f"fields[{i}].options.controlled_by"
        name = options.controlled_by
        control = self.plan.by_name.get(name or "")
        if control is None or name == f.name:
            raise ConfigError(path, f"no other field named {name!r}")
        if control.type is FieldKind.BOOL:
            known = {"true", "false"}
        elif control.type is FieldKind.PICKLIST:
            assert isinstance(control.options, PicklistOptions)  # noqa: S101  # its kind's options
            if not control.options.restricted:
                return
            known = {c.value for c in control.options.choices}
        else:
            raise ConfigError(
                path, f"a controlling field is a picklist or a bool, not {control.type}"
            )
        for key in options.dependencies:
            if key not in known:
                raise ConfigError(
                    f"fields[{i}].options.dependencies", f"{key!r} is not a value of {name!r}"
                )

    def formulas(self) -> None:
        schema, plan = self.schema, self.plan
        formulas = {f.name: f for f in schema.fields if f.type is FieldKind.FORMULA}
        deps: dict[str, list[str]] = {}
        for name, f in formulas.items():
            assert isinstance(f.options, FormulaOptions)  # noqa: S101  # its kind's options
            source = f.options.expression
            try:
                used = references(source)
                deps[name] = [g for g in formulas if _uses(used, g)]
            except FormulaError as exc:
                raise ConfigError(self.path(name), str(exc)) from exc
        for name in _order(deps, self.path):
            f = formulas[name]
            assert isinstance(f.options, FormulaOptions)  # noqa: S101  # its kind's options
            path = self.path(name)
            expression = self.compile(
                path, f.options.expression, blanks_as_zero=f.options.blanks_as_zero
            )
            declared = f.options.result_type
            result = expression.result_type
            if declared is not None and _alike(FieldType(declared)) != _alike(result):
                raise ConfigError(
                    f"fields[{self.index[name]}].options.result_type",
                    f"declared {declared} but the formula gives {result.value}",
                )
            plan.types[name] = FieldType(declared) if declared else result
            plan.formulas.append((name, expression))
            plan.formula_deps[name] = frozenset(deps[name])
            plan.expressions[f"fields.{name}.formula"] = expression

    def path(self, name: str) -> str:
        return f"fields[{self.index[name]}].options.expression"

    def conditions(self) -> None:
        plan = self.plan
        for i, f in enumerate(self.schema.fields):
            for attr, table in (
                ("visible_when", plan.visible),
                ("required_when", plan.required_when),
                ("read_only_when", plan.read_only),
            ):
                source = getattr(f, attr)
                if source is not None:
                    table[f.name] = self.condition(
                        f"fields[{i}].{attr}", f"fields.{f.name}.{attr}", source
                    )
            if f.default_expr is not None:
                self.default(i, f, f.default_expr)

    def default(self, i: int, f: FieldDef, source: str) -> None:
        path = f"fields[{i}].default_expr"
        expression = self.compile(path, source)
        wanted = self.plan.types.get(f.name)
        if isinstance(wanted, FieldType) and _alike(wanted) != _alike(expression.result_type):
            raise ConfigError(
                path, f"gives {expression.result_type.value}, but the field holds {wanted.value}"
            )
        self.plan.defaults[f.name] = expression
        self.plan.expressions[f"fields.{f.name}.default_expr"] = expression

    def sections(self) -> None:
        plan, names = self.plan, set()
        for i, section in enumerate(self.schema.sections):
            if section.name in names:
                raise ConfigError(
                    f"sections[{i}].name",
                    f"duplicate section {section.name!r}",
                    code=ErrorCode.CONFIG_DUPLICATE,
                )
            names.add(section.name)
            for j, name in enumerate(section.fields):
                if name not in plan.by_name:
                    raise ConfigError(f"sections[{i}].fields[{j}]", f"no field named {name!r}")
                if name in plan.section_of:
                    raise ConfigError(
                        f"sections[{i}].fields[{j}]",
                        f"{name!r} is already in section {plan.section_of[name]!r}",
                        code=ErrorCode.CONFIG_DUPLICATE,
                    )
                plan.section_of[name] = section.name
            if section.visible_when is not None:
                plan.section_visible[section.name] = self.condition(
                    f"sections[{i}].visible_when",
                    f"sections.{section.name}.visible_when",
                    section.visible_when,
                )

    def rules(self) -> None:
        plan, names = self.plan, set()
        for i, rule in enumerate(self.schema.rules):
            if rule.name in names:
                raise ConfigError(
                    f"rules[{i}].name",
                    f"duplicate rule {rule.name!r}",
                    code=ErrorCode.CONFIG_DUPLICATE,
                )
            names.add(rule.name)
            if rule.field is not None and rule.field not in plan.by_name:
                raise ConfigError(f"rules[{i}].field", f"no field named {rule.field!r}")
            expression = self.condition(
                f"rules[{i}].error_when", f"rules.{rule.name}.error_when", rule.error_when
            )
            plan.rules.append((rule, expression))

    def references(self) -> None:
        seen: set[int] = set()
        todo: list[SchemaParts] = [self.schema]
        while todo:
            schema = todo.pop()
            if id(schema) in seen:
                continue
            seen.add(id(schema))
            for f in schema.fields:
                if isinstance(f.options, ReferenceOptions):
                    self.plan.refs.setdefault(schema.object_type, {})[f.name] = f.options.target
            todo.extend(schema.related.values())


def _order(deps: Mapping[str, list[str]], path: Any) -> list[str]:
    """Order formulas so that each comes after those it reads; reject a cycle, naming it."""
    done: dict[str, None] = {}
    active: list[str] = []

    def visit(name: str) -> None:
        if name in done:
            return
        if name in active:
            cycle = [*active[active.index(name) :], name]
            raise ConfigError(path(name), f"formula cycle: {' -> '.join(cycle)}")
        active.append(name)
        for dep in deps[name]:
            visit(dep)
        active.pop()
        done[name] = None

    for name in deps:
        visit(name)
    return list(done)


def build_plan(schema: SchemaParts) -> Plan:
    """Check every name, formula, condition and rule of *schema* and compile them.

    Raises:
        ConfigError: naming the path of the first problem (a formula cycle names the
            whole cycle).
    """
    builder = _Builder(schema)
    builder.fields()
    builder.formulas()
    builder.conditions()
    builder.sections()
    builder.rules()
    builder.references()
    return builder.plan
