"""Names in Chinese characters (etl/places/han.py): which names the gazetteer keeps and where
a Chinese text names a place. The whole build on a Chinese article is checked by
tests/data/articles_places/266_places_named_in_chinese.txt."""

from __future__ import annotations

import pytest

from etl.places import han


def test_common_words_are_no_towns_names_unless_the_city_is_large():
    # "联合" (joint) is a name of Lianhe in GeoNames; the dictionary files it as a verb
    assert han.names_of_city(["联合"], 121_367) == []
    # "大连" (Dalian), which the dictionary tags an adverb, is a city of millions
    assert "大连" in han.names_of_city(["大连"], 4_913_879)
    # a name of three characters or more is no common word ("可可托海", Koktokay)
    assert "可可托海" in han.names_of_city(["可可托海"], 5_120)


def test_a_name_is_kept_in_both_scripts():
    names = han.names_of_city(["阿拉木圖", "Almaty", "Алматы"], 1_977_011)
    assert "阿拉木圖" in names and "阿拉木图" in names
    assert "Almaty" not in names


def test_which_towns_keep_chinese_names():
    assert han.kept_population("KGZ", True, 1_500)
    assert not han.kept_population("CHN", False, 90_000)
    assert han.kept_population("CHN", False, 150_000)
    assert not han.kept_population("DEU", False, 900_000)


def _found(text: str, names: list[str]) -> list[str]:
    return [name for _, _, name in han.HanMatcher(names).find(text)]


def test_a_name_is_found_only_where_the_segmenter_cuts_it_out():
    names = ["西安", "安康", "塔什干", "天津"]
    # Ankang in Shaanxi: the characters of Xi'an stand across two words
    assert _found("陕西安康的一家工厂", names) == ["安康"]
    assert _found("首列天津至塔什干货运班列", names) == ["天津", "塔什干"]


def test_words_after_or_around_a_name_that_make_it_something_else():
    names = ["北京", "上海", "阿斯塔纳", "乌鲁木齐", "纳沃伊", "索菲亚", "费尔干纳", "长沙"]
    assert _found("北京时间上午十点", names) == []
    assert _found("上海合作组织秘书处", names) == []
    assert _found("新华社阿斯塔纳6月17日电", names) == []
    assert _found("据乌鲁木齐国际陆港集团有限公司介绍", names) == []
    assert _found("纳沃伊州的一座风电场", names) == []
    assert _found("负责人索菲亚·阿里说", names) == []
    assert _found("费尔干纳盆地", names) == []
    assert _found("副署长沙瓦哈波出席", names) == []
    # ... but a town where a company is set up is the town
    assert _found("他们在乌鲁木齐成立了公司", names) == ["乌鲁木齐"]


def test_a_county_or_prefecture_name_is_no_towns_name():
    # GeoNames lists "霍城縣" (Huocheng county) as a name of the town
    assert han.names_of_city(["霍城縣", "霍城"], 100_000) == ["霍城"]


def test_the_words_around_a_name_in_real_pages():
    names = ["阿拉木图", "苏州", "拉薩", "卡利", "北京", "上海", "连云港", "齋桑", "霍城"]
    assert _found("中国驻阿拉木图总领馆代总领事表示", names) == ["阿拉木图"]
    # a piece of a longer transliterated name: Zhetysu region, Karasaik district, a person
    assert _found("从阿拉木图州拆分出杰特苏州", names) == []
    assert _found("位於卡拉薩伊克區的工廠", names) == []
    assert _found("记者卡利然·奥斯帕诺夫报道", names) == []
    assert _found("位于新疆伊犁哈萨克自治州霍城县西北", names) == []
    assert _found("北京當局尚未評論此事", names) == []
    assert _found("地址:上海市杨浦区国康路100号", names) == []
    # ... but after a country pair's one-character names and after a country
    assert _found("中哈连云港物流合作基地", names) == ["连云港"]
    assert _found("吉木乃口岸-哈薩克斯坦齋桑管道", [*names, "哈薩克斯坦"]) == ["哈薩克斯坦", "齋桑"]


def test_footers_mountains_and_a_cut_dhaka():
    names = ["北京", "费尔干纳", "达卡", "達卡"]
    assert _found("服务热线:010-64708566 法律顾问:北京君致律师所", names) == []
    assert _found("隧道穿过费尔干纳山", names) == []
    # "到達" (to arrive) before Kalaikhumb's name, not Dhaka: the name is left out of the
    # gazetteer's Chinese names (not_places.yaml han_words)
    assert _found("行車7個多小時才能到達卡拉依洪姆", names) == []


def _sourced(tmp_path, row: str):
    """``han.sourced_names`` of a file of one row under the file's header."""
    path = tmp_path / "han_names.csv"
    path.write_text(f"place,name,zh_name,source,note\n{row}\n", encoding="utf-8")
    return han.sourced_names(path)


def test_sourced_chinese_names_need_a_source_and_chinese_letters(tmp_path):
    # each name also in the other script, so that a page in traditional characters reads it
    rows = _sourced(tmp_path, "gn:1526041,Atasu,阿塔苏,https://example.org/a,")
    assert rows == [("gn:1526041", ["阿塔苏", "阿塔蘇"])]
    with pytest.raises(ValueError, match="no source"):
        _sourced(tmp_path, "gn:1526041,Atasu,阿塔苏,,")
    with pytest.raises(ValueError, match="not a name in Chinese characters"):
        _sourced(tmp_path, "gn:1526041,Atasu,Atasu,https://example.org/a,")


def test_every_shipped_chinese_name_names_a_town_the_gazetteer_knows():
    from etl import knowledge, settings

    gazetteer = knowledge.load().gazetteer
    rows = han.sourced_names(settings.HAN_NAMES_CSV)
    assert len(rows) >= 60
    for key, names in rows:
        place = gazetteer.get(key)  # a KeyError here is a row naming no known place
        assert any(h.place.key == key for n in names for h in gazetteer.candidates(n)), place
