from django.db import models


class Row(models.Model):
    """The table the bench seeded with our ORM (not managed by Django's migrations)."""

    name = models.CharField(max_length=80)
    votes = models.IntegerField()
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "bench_row"
