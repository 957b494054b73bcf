from apps.audit.context import current_request


class AuditContextMiddleware:
    """Makes the request (request id, IP, user agent, user) known to audit_record
    without every service having to pass it down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
