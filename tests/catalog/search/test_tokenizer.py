"""Segmentation: unit level, no database (the same code serves PostgreSQL and SQLite)."""

from apps.catalog.search import index_terms, query_terms, tsquery


def test_chinese_text_is_indexed_as_unigrams_and_bigrams():
    assert index_terms("企业登记") == ["企", "业", "登", "记", "企业", "业登", "登记"]


def test_a_chinese_query_becomes_its_bigrams_or_its_single_character():
    assert query_terms("企") == ["企"]
    assert query_terms("企业") == ["企业"]
    assert query_terms("登记信息") == ["登记", "记信", "信息"]


def test_every_chinese_query_of_one_to_four_characters_is_covered_by_the_index():
    indexed = set(index_terms("企业登记信息"))
    for query in ["企", "企业", "企业登", "企业登记", "登记信息", "息"]:
        assert set(query_terms(query)) <= indexed


def test_latin_words_are_lowercased_and_plurals_folded():
    assert query_terms("Traffic") == ["traffic"]
    assert index_terms("Hospitals, Companies and Boxes") == ["hospital", "company", "and", "box"]
    assert query_terms("bus status") == ["bus", "status"]


def test_mixed_scripts_digits_and_full_width_letters_are_split():
    assert query_terms("2023年ＡＱＩ") == ["2023", "年", "aqi"]
    assert index_terms("credit_code") == ["credit", "code"]


def test_punctuation_only_queries_have_no_terms():
    assert query_terms("  ，。!? ") == []


def test_tsquery_quotes_every_term_and_joins_with_and():
    assert tsquery(["企业", "traffic"]) == "'企业' & 'traffic'"


def test_a_word_too_long_for_any_query_is_not_indexed_and_the_terms_are_bounded():
    # PostgreSQL's tsvector refuses a word over 2047 bytes: a 100,000-character name was
    # a 500 on creating the resource.
    from apps.catalog.search import MAX_TERM_CHARS, MAX_TERMS, build_search_terms, index_terms

    assert index_terms("traffic " + "x" * 100_000) == ["traffic"]
    assert index_terms("y" * MAX_TERM_CHARS) == ["y" * MAX_TERM_CHARS]
    many = " ".join(f"w{i}" for i in range(MAX_TERMS + 500))
    name, rest = build_search_terms(["道路"], [many]).split("|")
    assert name.split() == ["道", "路", "道路"] and len(rest.split()) == MAX_TERMS
