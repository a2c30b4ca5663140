"""parse_isolated: a parser that needs too much memory or time is stopped and reported, and the
caller goes on."""

from __future__ import annotations

import pytest

import pdfkit
from extractor.errors import ParseTimeout, ResourceLimit
from extractor.parsers import parse_isolated
from extractor.settings import ParseOptions


@pytest.fixture(scope="module")
def big_txt(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("iso") / "huge.txt"
    line = "本项目年初预算数为35.3万元，全年执行数39.5万元，执行率为98.75%。\n"
    with path.open("w", encoding="utf-8") as fh:
        for _ in range(150_000):  # ~14 MB of UTF-8; decoded and split into blocks: far more
            fh.write(line)
    return path


def test_memory_budget_stops_the_parser(big_txt):
    with pytest.raises(ResourceLimit) as e:
        parse_isolated(big_txt, ParseOptions(memory_mb=32))
    assert e.value.code == "memory_limit" and e.value.file == "huge.txt"


def test_within_budget_the_same_file_parses(big_txt):
    doc = parse_isolated(big_txt, ParseOptions(memory_mb=4096, timeout_s=600))
    assert len(doc.blocks) == 150_000


def test_time_limit_stops_the_parser_and_the_next_file_still_parses(tmp_path):
    slow = tmp_path / "long.pdf"
    pdfkit.build_pages(slow, 400)
    with pytest.raises(ParseTimeout):
        parse_isolated(slow, ParseOptions(timeout_s=0.05))
    ok = tmp_path / "short.pdf"
    pdfkit.build_pages(ok, 2)
    assert [b.text for b in parse_isolated(ok).blocks] == ["第1页的正文内容，用于测试页数限制。", "第2页的正文内容，用于测试页数限制。"]
