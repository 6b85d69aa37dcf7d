"""What a process remembers of the values it read: name words are remembered by word (an
import reads a common given name thousands of times), for as long as a session is open, and
forgotten when it closes; a text's characters are remembered up to a bound."""

from __future__ import annotations

from tests.conftest import OpenAs
from vault.models import folding
from vault.redact import meanings
from vault.redact.readings import names
from vault.services.cases import add_case

_CACHES = (
    names._latin_key,
    names.to_latin,
    names.han_pinyin,
    names.word_key,
    names._is_rare,
    names._is_common,
    names._pinyin_split,
    names._cyrillic_spellings,
    names._forms,
    names._group_terms,
    meanings.wordings,
)


def test_a_closed_session_leaves_no_name_word_remembered(open_as: OpenAs) -> None:
    v = open_as("cara")
    add_case(
        v,
        {
            "case_id": "UA-400-26-001",
            "full_name": "Invented Qarlygash",
            "name_variants": ["Карлыгаш Выдуманная", "卡尔丽·虚构"],
            "status": "missing",
            "sources": [{"codename": "SNOW LEOPARD", "real_name": "Invented Source"}],
        },
    )
    assert names.to_latin.cache_info().currsize > 0
    assert names._cyrillic_spellings.cache_info().currsize > 0
    assert names.han_pinyin.cache_info().currsize > 0
    v.close()
    assert {f.__name__: f.cache_info().currsize for f in _CACHES} == {
        f.__name__: 0 for f in _CACHES
    }


def test_a_split_table_stops_growing_at_its_bound_and_still_splits_alike() -> None:
    text = " ".join(chr(c) for c in range(0x4E00, 0x4E00 + folding.SPLIT_TABLE_SIZE + 500))
    text += " Айгүл-Ähmet"
    for split_cjk in (True, False):
        table = folding._split_table(folding.fold_char, split_cjk)
        got = folding._split(text, split_cjk=split_cjk)
        assert len(table) <= folding.SPLIT_TABLE_SIZE
        assert got == folding._split_chars(text, split_cjk=split_cjk, fold_one=folding.fold_char)
