"""Canary shards: N parts of similar time that every CI job computes alike, each canary in
exactly one; their reports merge back into the report an unsharded run writes, and a
missing, doubled or foreign shard is refused in one line."""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, assert_one_line_error, run_tools
from flask_lts_tools import _layout as layout
from flask_lts_tools._exceptions import ShardError
from flask_lts_tools.canaries import (
    CanaryRun, Shard, estimates, load_canaries, load_run, merge_shards, parse_shard, plan_shard, select, split, write_run,
)  # fmt: skip
from flask_lts_tools.channel import load_channel

REGISTRY = ROOT / "channels" / "canaries" / "registry.toml"
REPORTS = ROOT / "reports"


def selection(channel: str):
    return select(load_canaries(REGISTRY), channel)


PYTHON = {"2024": "3.12", "2026": "3.13"}  # the Python of each channel's committed canary report


def real_report(channel: str) -> Path:
    return layout.canary_report_file(channel, PYTHON[channel], REPORTS)


# -- --shard ------------------------------------------------------------------------------


def test_a_shard_is_i_of_n():
    assert parse_shard("2/3") == Shard(2, 3) and str(parse_shard(" 3 / 3 ")) == "3/3"
    for bad in ("0/3", "4/3", "x", "1/0", "3", "-1/3", "1/3/5"):
        with pytest.raises(ShardError, match="--shard"):
            parse_shard(bad)


@pytest.mark.parametrize("bad, says", [("0/3", "from 1 to 3"), ("4/3", "from 1 to 3"), ("x", "not I/N")])
def test_a_bad_shard_is_one_line_naming_the_flag_before_any_work(bad: str, says: str):
    proc = run_tools("canaries", "--channel", "2024", "--shard", bad, timeout=120)
    line = assert_one_line_error(proc, "--shard", says, "e.g. --shard 1/")
    assert proc.returncode == ShardError.exit_code, line


# -- the split ----------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["2024", "2026"])
@pytest.mark.parametrize("count", [1, 2, 3, 4, 7, 25])
def test_every_canary_is_in_exactly_one_shard_whatever_the_number(channel: str, count: int):
    canaries = selection(channel)
    for previous in (load_run(real_report(channel)), None):
        shards = split(canaries, count, estimates(canaries, previous))
        names = [c.name for shard in shards for c in shard]
        assert len(shards) == count
        assert sorted(names) == sorted(c.name for c in canaries) and len(set(names)) == len(names)
        order = [c.name for c in canaries]
        for shard in shards:  # each shard runs (and reports) in the registry's order
            assert [c.name for c in shard] == [n for n in order if n in {c.name for c in shard}]


def test_the_split_is_the_same_in_every_job_whatever_the_input_order():
    canaries = selection("2024")
    seconds = estimates(canaries, load_run(real_report("2024")))
    first = [[c.name for c in s] for s in split(canaries, 3, seconds)]
    assert [[c.name for c in s] for s in split(canaries, 3, seconds)] == first
    shuffled = list(canaries)
    random.Random(7).shuffle(shuffled)
    assert [sorted(c.name for c in s) for s in split(shuffled, 3, seconds)] == [sorted(s) for s in first]


def test_shards_of_2024_take_similar_time_on_the_last_reports_times():
    canaries = selection("2024")
    records = [plan_shard(canaries, Shard(i, 3), real_report("2024"))[1] for i in (1, 2, 3)]
    times = [r["estimated_seconds"] for r in records]
    longest = max(c.seconds for c in load_run(real_report("2024")).canaries)
    # No split can beat the longest canary or a third of the whole: the shards stay within 10%
    # of that bound (sqlalchemy-continuum, about a third of the time, nearly fills a shard alone).
    bound = max(longest, sum(times) / 3)
    assert max(times) <= 1.1 * bound, times
    assert sum(times) == pytest.approx(sum(c.seconds for c in load_run(real_report("2024")).canaries), abs=0.5)


def test_without_a_report_the_canaries_are_dealt_by_name(tmp_path: Path):
    canaries = selection("2024")
    shards = [plan_shard(canaries, Shard(i, 3), tmp_path / "none.json")[0] for i in (1, 2, 3)]
    by_name = sorted(c.name for c in canaries)
    for i, shard in enumerate(shards):
        assert sorted(c.name for c in shard) == sorted(by_name[i::3])


def test_a_canary_the_last_report_did_not_time_counts_as_the_mean():
    canaries = selection("2024")
    previous = load_run(real_report("2024"))
    previous.canaries = [c for c in previous.canaries if c.name != "apifairy"]
    seconds = estimates(canaries, previous)
    assert seconds["apifairy"] == pytest.approx(sum(c.seconds for c in previous.canaries) / len(previous.canaries))


# -- the merge ----------------------------------------------------------------------------


def write_shards(channel: str, count: int, folder: Path) -> list[Path]:
    """What `canaries --shard I/N` writes on N machines, made from the real report's results:
    each shard's canaries, in the registry's order, with their verdicts."""
    whole = load_run(real_report(channel))
    serial = load_channel(ROOT / "channels" / f"{channel}.toml").version
    paths = []
    for index in range(1, count + 1):
        canaries, record = plan_shard(selection(channel), Shard(index, count), real_report(channel))
        names = {c.name for c in canaries}
        run = dataclasses.replace(
            whole, canaries=[c for c in whole.canaries if c.name in names], serial=serial, shard=record,
            verdicts=[v for v in whole.verdicts if v["canary"] in names], baseline=whole.baseline if any(v["canary"] in names for v in whole.verdicts) else "",
            seconds=round(sum(c.seconds for c in whole.canaries if c.name in names), 1),
        )  # fmt: skip
        # one folder per CI artefact, as download-artifact lays them out
        path = folder / f"canary-{channel}-py{PYTHON[channel]}-shard-{index}-of-{count}" / layout.canary_shard_report_file(channel, PYTHON[channel], index, count, Path(".")).name
        path.parent.mkdir(parents=True)
        paths.append(write_run(run, path))
    return paths


def table(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


@pytest.mark.parametrize("channel", ["2024", "2026"])
def test_merging_the_shards_gives_the_unsharded_report(channel: str, tmp_path: Path):
    write_shards(channel, 3, tmp_path / "downloaded")
    out = tmp_path / "reports"
    proc = run_tools("canaries-merge", "--channel", channel, "--python", PYTHON[channel], str(tmp_path / "downloaded"), "--reports-dir", str(out), timeout=120)
    whole = load_run(real_report(channel))
    assert proc.returncode == (0 if whole.status == "pass" else 1), proc.stderr
    merged = json.loads(layout.canary_report_file(channel, PYTHON[channel], out).read_text())
    original = json.loads(real_report(channel).read_text())
    assert merged["canaries"] == original["canaries"]  # every result, in the registry's order
    assert merged["verdicts"] == original["verdicts"] and merged["baseline"] == original["baseline"]
    assert merged["status"] == original["status"] and merged["schema"] == original["schema"]
    assert merged["serial"] == load_channel(ROOT / "channels" / f"{channel}.toml").version
    assert [s["index"] for s in merged["shards"]] == [1, 2, 3]
    assert merged["seconds"] == max(s["seconds"] for s in merged["shards"])
    summary = layout.canary_summary_file(channel, PYTHON[channel], out).read_text()
    assert table(summary) == table(layout.canary_summary_file(channel, PYTHON[channel], REPORTS).read_text())
    assert "Merged from 3 shards run at once" in summary
    assert table(summary)[2] in proc.stdout


def test_merge_refuses_a_missing_shard(tmp_path: Path):
    paths = write_shards("2024", 3, tmp_path)
    paths[1].unlink()
    proc = run_tools("canaries-merge", "--channel", "2024", "--python", "3.12", str(tmp_path), "--reports-dir", str(tmp_path / "out"), timeout=120)
    assert_one_line_error(proc, "shard 2/3 of channel 2024 on Python 3.12 is missing", "--shard 2/3")
    assert not (tmp_path / "out").exists()


def test_merge_refuses_a_shard_twice(tmp_path: Path):
    paths = write_shards("2024", 3, tmp_path / "a")
    again = tmp_path / "b" / paths[0].name
    again.parent.mkdir()
    shutil.copy(paths[0], again)
    with pytest.raises(ShardError, match=r"shard 1/3 again"):
        merge_shards([(p, load_run(p)) for p in [*paths, again]])


def test_merge_refuses_shards_of_different_runs(tmp_path: Path):
    paths = write_shards("2024", 3, tmp_path)
    runs = [(p, load_run(p)) for p in paths]
    other_serial = [runs[0], (runs[1][0], dataclasses.replace(runs[1][1], serial="2024.0")), runs[2]]
    with pytest.raises(ShardError, match=r"ran the constraints of serial '2024.0', but .* has '2024\.[1-9]\d*'"):
        merge_shards(other_serial)
    other_python = [runs[0], runs[1], (runs[2][0], dataclasses.replace(runs[2][1], python="3.11"))]
    with pytest.raises(ShardError, match="is of Python '3.11'"):
        merge_shards(other_python)
    other_count = [runs[0], (runs[1][0], dataclasses.replace(runs[1][1], shard={**runs[1][1].shard, "count": 4}))]
    with pytest.raises(ShardError, match="number of shards"):
        merge_shards(other_count)
    with pytest.raises(ShardError, match="not a shard report"):
        merge_shards([(real_report("2024"), load_run(real_report("2024")))])


def test_merge_refuses_a_shard_of_another_channel_in_one_line(tmp_path: Path):
    write_shards("2024", 3, tmp_path)
    foreign = write_shards("2026", 3, tmp_path / "other")[0]
    shutil.copy(foreign, tmp_path / "canary-2024-py3.12-shard-1-of-3" / "py3.12.shard-1-of-3.json")  # in place of 2024's 1/3
    proc = run_tools("canaries-merge", "--channel", "2024", "--python", "3.12", str(tmp_path / "canary-2024-py3.12-shard-1-of-3"),
                     str(tmp_path / "canary-2024-py3.12-shard-2-of-3"), str(tmp_path / "canary-2024-py3.12-shard-3-of-3"),
                     "--reports-dir", str(tmp_path / "out"), timeout=120)  # fmt: skip
    assert_one_line_error(proc, "a report of channel 2026 on Python 3.13, not 2024 on 3.12")


def test_merge_without_shard_reports_says_how_to_make_them(tmp_path: Path):
    proc = run_tools("canaries-merge", "--channel", "2024", "--reports-dir", str(tmp_path), timeout=120)
    assert_one_line_error(proc, "no shard reports (py3.12.shard-*-of-*.json) of channel 2024", "--shard I/N")


def test_a_merged_run_reads_back_as_a_run(tmp_path: Path):
    paths = write_shards("2026", 2, tmp_path)
    merged = merge_shards([(p, load_run(p)) for p in paths])
    back = load_run(write_run(merged, tmp_path / "py3.12.json"))
    assert isinstance(back, CanaryRun) and back == merged and back.status == load_run(real_report("2026")).status
