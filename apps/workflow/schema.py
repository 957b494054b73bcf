"""drf-spectacular postprocessing: a serializer that the policy trims for non-parties
(`policy.drop_unreadable`) documents only its public fields as required; the others are
present for parties and the regulator only, and the schema says so."""

from apps.workflow import policy

# OpenAPI component name → the model whose policy trims it.
TRIMMED_COMPONENTS: dict[str, type] = {}


def document_trimmed(component: str, model: type) -> None:
    """Declares that the component `component` is trimmed to `model`'s public fields."""
    TRIMMED_COMPONENTS[component] = model


def relax_trimmed_fields(result, generator, request, public):
    schemas = result.get("components", {}).get("schemas", {})
    for component, model in TRIMMED_COMPONENTS.items():
        schema = schemas.get(component)
        public_fields = policy.policy_for(model).public_fields
        if schema is None or public_fields is None:
            continue
        schema["required"] = [name for name in schema.get("required", []) if name in public_fields]
        note = "Fields outside the public disclosure are present for parties only."
        schema["description"] = f"{schema.get('description', '')} {note}".strip()
    return result
