"""Log records carry the request id; a client error (4xx) is one line, never a traceback.

Django's `django.request` logger attaches the exception to every 4xx it logs, so each
refused probe printed a full traceback (1,142 in one scan). A 5xx keeps its traceback.
"""

import logging


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if not hasattr(record, "request_id"):
            record.request_id = getattr(request, "request_id", None) or "-"
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
