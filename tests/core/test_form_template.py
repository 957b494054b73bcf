"""The shared form template escapes help text (it once rendered it with |safe)."""

from django import forms
from django.template.loader import render_to_string


class Probe(forms.Form):
    name = forms.CharField(help_text="<script>alert(1)</script> & co")


def test_help_text_is_escaped():
    html = render_to_string("includes/form.html", {"form": Probe()})
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
