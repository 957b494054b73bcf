"""drf-spectacular postprocessing: a serializer that the policy trims for non-parties
(`policy.drop_unreadable`) documents only its public fields as required; the others are
present for parties and the regulator only, and the schema says so."""

from apps.workflow import policy

# OpenAPI component name → the model whose policy trims it.
TRIMMED_COMPONENTS: dict[str, type] = {}
# OpenAPI component name → fields some readers do not get (a serializer's own choice).
OPTIONAL_FIELDS: dict[str, frozenset[str]] = {}


def document_trimmed(component: str, model: type) -> None:
    """Declares that the component `component` is trimmed to `model`'s public fields."""
    TRIMMED_COMPONENTS[component] = model


def document_optional(component: str, fields) -> None:
    """Declares that `fields` of the component are left out for some readers."""
    OPTIONAL_FIELDS[component] = frozenset(fields)


def relax_trimmed_fields(result, generator, request, public):
    schemas = result.get("components", {}).get("schemas", {})
    for component, names in OPTIONAL_FIELDS.items():
        schema = schemas.get(component)
        if schema is not None:
            schema["required"] = [n for n in schema.get("required", []) if n not in names]
    for component, model in TRIMMED_COMPONENTS.items():
        schema = schemas.get(component)
        public_fields = policy.policy_for(model).public_fields
        if schema is None or public_fields is None:
            continue
        schema["required"] = [name for name in schema.get("required", []) if name in public_fields]
        note = "Fields outside the public disclosure are present for parties only."
        schema["description"] = f"{schema.get('description', '')} {note}".strip()
    return result
