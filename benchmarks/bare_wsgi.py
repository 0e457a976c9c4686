"""The baseline for benchmarks/beacon.py: a bare Django view answering 204, nothing else."""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path


def bare(request, site_id: int):
    return HttpResponse(status=204)


settings.configure(
    DEBUG=False,
    SECRET_KEY="bare-benchmark",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
)
urlpatterns = [path("sites/<int:site_id>/visit", bare)]
django.setup()
application = get_wsgi_application()
