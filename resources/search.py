"""Text search of the directory, forgiving of typos and of Italian word forms.

On PostgreSQL: full-text search with the Italian configuration (its stemmer makes
"questure" find "questura") or, for typos ("ospedlae"), trigram word similarity to the
names (pg_trgm, enabled by migration 0003). Elsewhere (SQLite, the embedded default) a
plain ``icontains`` per word, each word cut to a rough Italian stem first so that the
singular and plural of most nouns still meet.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F, FloatField, Func, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Greatest

# How close a misspelt word must be to a word of a name (pg_trgm word_similarity):
# "ospedlae" ~ "Ospedale" is 0.56; unrelated short words stay under it.
TRIGRAM_THRESHOLD = 0.45
VOWELS = "aeiouàèéìòù"
MAX_WORDS = 8
SEARCHED_FIELDS = ("name", "alternate_name", "description", "organization__name")


def search_services(queryset: QuerySet, text: str) -> QuerySet:
    """The services of ``queryset`` matching ``text``, annotated with ``search_rank``
    (higher is better) so callers may order by relevance."""
    text = " ".join(text.split())
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        return _postgres_search(queryset, text)
    return _fallback_search(queryset, text)


def _postgres_search(queryset: QuerySet, text: str) -> QuerySet:
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchRank,
        SearchVector,
        TrigramWordSimilarity,
    )

    vector = (
        SearchVector("name", weight="A", config="italian")
        + SearchVector("alternate_name", weight="A", config="italian")
        + SearchVector("organization__name", weight="B", config="italian")
        + SearchVector("description", weight="C", config="italian")
    )
    whole = SearchQuery(text, config="italian", search_type="websearch")
    aliases = {"search_vector": vector}
    # Every word must be found: by its stem, or (a typo) by trigram similarity to a word
    # of a name. A stop word ("di", "della") has no stem and no say.
    each_word = Q()
    similarities = []
    for index, word in enumerate(text.split()[:MAX_WORDS]):
        stemmed = SearchQuery(word, config="italian")
        aliases[f"search_similarity_{index}"] = Greatest(
            TrigramWordSimilarity(word, "name"),
            TrigramWordSimilarity(word, "alternate_name"),
            TrigramWordSimilarity(word, "organization__name"),
        )
        aliases[f"search_terms_{index}"] = Func(
            stemmed, function="numnode", output_field=IntegerField()
        )
        each_word &= (
            Q(search_vector=stemmed)
            | Q(**{f"search_similarity_{index}__gte": TRIGRAM_THRESHOLD})
            | Q(**{f"search_terms_{index}": 0})
        )
        similarities.append(F(f"search_similarity_{index}"))
    rank = SearchRank(F("search_vector"), whole)
    for similarity in similarities:
        rank = rank + similarity / Value(float(len(similarities)))
    return (
        queryset.alias(**aliases)
        .filter(Q(search_vector=whole) | each_word)
        .annotate(search_rank=rank)
    )


def rough_stem(word: str) -> str:
    """``questure`` → ``questur``: drop the final vowel of longer words (Italian
    inflects mostly there), enough for a substring match to meet other forms."""
    word = word.lower()
    if len(word) > 4 and word[-1] in VOWELS:
        return word[:-1]
    return word


def _fallback_search(queryset: QuerySet, text: str) -> QuerySet:
    condition = Q()
    for word in text.split():
        stem = rough_stem(word)
        any_field = Q()
        for field in SEARCHED_FIELDS:
            any_field |= Q(**{f"{field}__icontains": stem})
        condition &= any_field
    return queryset.filter(condition).annotate(search_rank=Value(1.0, output_field=FloatField()))
