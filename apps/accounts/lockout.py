from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.accounts.forms import LoginForm


def lockout_message() -> str:
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed sign-in attempts. This account is locked; try again in %(minutes)d "
        "minutes or ask your administrator to unlock it."
    ) % {"minutes": minutes}


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """What django-axes returns on a locked account or IP: the login page with the reason."""
    form = LoginForm(request, data=request.POST or None)
    form.is_bound = False
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_message": lockout_message()},
        status=429,
    )
