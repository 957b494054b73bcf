"""The actions every permission rule speaks of. The rules themselves, `restrict()` and
`get_object_for` live in apps.workflow.policy."""

VIEW = "view"
MANAGE = "manage"
