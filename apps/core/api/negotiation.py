"""Content negotiation for endpoints whose answer's format is not the client's to choose."""

from rest_framework.negotiation import DefaultContentNegotiation


class FirstRendererNegotiation(DefaultContentNegotiation):
    """The view's first renderer (JSON), whatever `Accept` or `?format=` say: where
    `format` is a filter (catalog search), or where the URL names the file's format and
    the view writes the file itself (audit exports: `Accept: text/csv` was a 406)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
