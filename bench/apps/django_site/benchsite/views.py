from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from .models import Row


def plaintext(request):
    return HttpResponse(b"Hello, World!", content_type="text/plain; charset=utf-8")


def json_view(request):
    return JsonResponse({"message": "Hello, World!"})


def rows(request):
    listed = Row.objects.filter(votes__gte=50).order_by("id")[:20]
    return render(request, "rows.html", {"title": "Rows", "rows": listed})
