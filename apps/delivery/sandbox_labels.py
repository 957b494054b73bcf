"""What each refusal code of a sandbox query means, in the reader's language (the history
shows a past refusal by its code, whatever language its message was written in)."""

from django.utils.translation import gettext_lazy as _

REFUSAL_LABELS = {
    "sql_too_long": _("The query is too long."),
    "sql_comment": _("Comments are not accepted."),
    "sql_parse_error": _("The query cannot be read as SQL."),
    "sql_unsupported": _("The query could not be checked."),
    "sql_multiple_statements": _("Only one statement is accepted."),
    "sql_not_select": _("Only a SELECT query is accepted."),
    "sql_set_operation": _("UNION, INTERSECT and EXCEPT are not accepted."),
    "sql_recursive_cte": _("Recursive CTEs are not accepted."),
    "sql_nested_with": _("WITH is accepted only at the start of the query."),
    "sql_forbidden_syntax": _("A kind of SQL that is not accepted was used."),
    "sql_forbidden_table": _("Only the grant's view can be queried."),
    "sql_forbidden_function": _("A function that is not accepted was used."),
    "sql_window_function": _("Window functions are not accepted."),
    "sql_cross_join": _("Cross joins are not accepted."),
    "sql_join": _("Joins are not accepted."),
    "sql_subquery": _("Subqueries are accepted only in FROM and WITH."),
    "sql_nested_aggregate": _("Only the outer SELECT may aggregate or limit."),
    "sql_not_aggregated": _("Results are released only as groups."),
    "sql_conditional_aggregate": _("Conditions inside aggregates are refused."),
    "sql_cast_type": _("A cast to a type that wide is not accepted."),
    "sql_one_row_aggregate": _("min, max and median take a number or date column only."),
    "sql_reserved_name": _("Names starting with __ are reserved."),
    "sql_limit_invalid": _("LIMIT and OFFSET take a whole number."),
    "sql_base_below_k": _("The filter keeps too few rows."),
    "sql_complement_below_k": _("The filter leaves out too few rows."),
    "sql_suppressed_below_k": _("Some groups hold too few rows."),
    "sql_differencing": _("Its rows differ from an earlier query's by too few rows."),
    "sql_timeout": _("The query ran too long."),
    "sql_execution_error": _("DuckDB could not run the query."),
    "sql_required": _("Write a query."),
    "rate_limited": _("Too many requests for this grant."),
    "quota_exhausted": _("The grant's quota for today is used up."),
    "delivery_mode_not_granted": _("The grant does not include sandbox queries."),
    "grant_suspended": _("The grant is suspended."),
    "grant_revoked": _("The grant has been revoked."),
    "grant_expired": _("The grant has expired."),
    "grant_superseded": _("The grant was replaced by a new version."),
    "grant_not_started": _("The grant is not yet valid."),
    "product_unavailable": _("The product is not available."),
    "agreement_not_in_force": _("The operator's agreement is not in force."),
    "no_data": _("The data is not available."),
    "source_not_in_grant": _("The grant has no such source."),
    "data_integrity": _("The data file does not match its record."),
}


# The other refusals of a grant's data (records, exports, their links), which the audit
# log shows by their code too (registered with apps.audit.reasons in DeliveryConfig.ready).
DELIVERY_LABELS = {
    "not_grant_holder": _("Only the grant's holder reads its data."),
    "key_not_bound": _("This key is not bound to the grant."),
    "grant_inactive": _("The grant is not active."),
    "field_unknown": _("The grant has no such field."),
    "field_masked": _("A masked field cannot be filtered or ordered on."),
    "filter_invalid": _("A filter is not valid."),
    "param_unknown": _("The request has a parameter that is not known."),
    "param_repeated": _("A parameter is given more than once."),
    "page_size_invalid": _("The page size is not valid."),
    "page_size_too_large": _("The page size is too large."),
    "cursor_invalid": _("The cursor is not valid for this query."),
    "export_not_allowed": _("This grant's delivery modes do not include bulk export."),
    "format_invalid": _("Choose a format: csv, jsonl or parquet."),
    "export_error": _("The export could not be written."),
    "export_not_ready": _("The export is not ready."),
    "export_expired": _("The export file is no longer kept."),
    "link_expired": _("The download link has expired."),
    "link_invalid": _("The download link is not valid."),
    "link_not_yours": _("The download link was issued to another key or person."),
    "sandbox_busy": _("Another sandbox query of this grant is running; try again in a moment."),
    "sandbox_refusals_spent": _("Today's refusals that depend on the data are used up."),
    "revenue_cap_reached": _("The agreement has reached its revenue cap."),
}


def refusal_label(code: str) -> str:
    label = REFUSAL_LABELS.get(code)
    return str(label) if label is not None else code
