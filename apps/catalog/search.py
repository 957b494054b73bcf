"""Application-side segmentation for catalog search.

Debian's PostgreSQL has no Chinese parser and trigram indexes cannot serve one- or
two-character terms, so the application turns text into terms itself: a run of Chinese
characters is indexed as its unigrams and bigrams, Latin text as lowercased words with
plurals folded, digits as they are. A query of n Chinese characters becomes its bigrams
(its unigram when n = 1), so 1- to 4-character Chinese queries hit the same index.

`DataResource.search_terms` stores " <name terms> | <all other terms> ". PostgreSQL
derives two tsvector columns from it (migration 0003) with GIN indexes; SQLite matches
the space-padded text with LIKE. Both rank the same way: name matches first.
"""

import re
import unicodedata

NAME_SEPARATOR = "|"
# A longer run of letters or digits is nobody's query, and PostgreSQL's tsvector refuses a
# word over 2047 bytes (a 100,000-character name was a 500): it is not indexed.
MAX_TERM_CHARS = 100
# Unique terms kept per part (name, the rest): a tsvector holds at most 1 MB.
MAX_TERMS = 20_000

_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
_WORD = re.compile(r"[^\W_]+")


def _fold(word: str) -> str:
    """Cheap plural folding so "traffic" meets "Traffics" and "hospitals" meets "hospital"."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _runs(text: str):
    """Yields (is_cjk, run) pieces of the normalized text."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    for word in _WORD.findall(text):
        position = 0
        for match in _CJK.finditer(word):
            if match.start() > position:
                yield False, word[position : match.start()]
            yield True, match.group()
            position = match.end()
        if position < len(word):
            yield False, word[position:]


def index_terms(text: str) -> list[str]:
    """Terms to store for a piece of text: CJK unigrams and bigrams, folded words."""
    terms: list[str] = []
    for is_cjk, run in _runs(text):
        if is_cjk:
            terms.extend(run)
            terms.extend(run[i : i + 2] for i in range(len(run) - 1))
        elif len(run) <= MAX_TERM_CHARS:
            terms.append(_fold(run))
    return terms


def query_terms(text: str) -> list[str]:
    """Terms a query must all match: bigrams of CJK runs (the unigram for one character)."""
    terms: list[str] = []
    for is_cjk, run in _runs(text):
        if is_cjk:
            terms.extend([run] if len(run) == 1 else (run[i : i + 2] for i in range(len(run) - 1)))
        else:
            terms.append(_fold(run))
    return list(dict.fromkeys(terms))  # unique, order kept


def _unique(terms) -> str:
    return " ".join(list(dict.fromkeys(terms))[:MAX_TERMS])


def build_search_terms(name_texts: list[str], other_texts: list[str]) -> str:
    """Builds " <name terms> | <other terms> ", each part without repeats."""
    name = [t for text in name_texts for t in index_terms(text)]
    rest = [t for text in other_texts for t in index_terms(text)]
    return f" {_unique(name)} {NAME_SEPARATOR} {_unique(rest)} "


def resource_search_terms(resource) -> str:
    """The indexed text of a resource: name terms, a separator, then every other term."""
    other = [str(tag) for tag in resource.tags or []]
    other += [f"{theme.name} {theme.name_en}" for theme in resource.themes.all()]
    other += [f"{f.name} {f.label} {f.description}" for f in resource.fields.all()]
    other += [resource.description, resource.description_en]
    return build_search_terms([resource.name, resource.name_en], other)


def resource_reindex(*, resource) -> str:
    """Recomputes and stores a resource's search terms (call after any metadata change)."""
    from apps.catalog.models import DataResource

    terms = resource_search_terms(resource)
    # update() rather than save(): neither updated_at nor other columns change here.
    DataResource.objects.filter(pk=resource.pk).update(search_terms=terms)
    resource.search_terms = terms
    return terms


def tsquery(terms: list[str]) -> str:
    """A tsquery literal; terms come from the tokenizer (letters, digits, CJK) only."""
    return " & ".join("'{}'".format(t.replace("'", "''").replace("\\", "\\\\")) for t in terms)
