"""Killed runs leave nothing half-written; hostile XML is refused without being expanded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import EN, ES, ROOT
from typer.testing import CliRunner

from paralign.cli import app
from paralign.errors import InputError
from paralign.safe_xml import parse_untrusted

runner = CliRunner()

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><back><linkGrp type="translation">
<link target="#src-s1 #tgt-s1" n="&lol9;"/>
</linkGrp></back></text></TEI>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE TEI [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><back><linkGrp type="translation">
<link target="#src-s1 #tgt-s1" n="&secret;"/>
</linkGrp></back></text></TEI>
"""

XXE_PARAMETER = """<?xml version="1.0"?>
<!DOCTYPE TEI SYSTEM "http://example.invalid/evil.dtd">
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><back><linkGrp type="translation">
<link target="#src-s1 #tgt-s1"/>
</linkGrp></back></text></TEI>
"""


@pytest.mark.parametrize("content", [BILLION_LAUGHS, XXE], ids=["billion laughs", "XXE /etc/passwd"])
def test_evaluate_refuses_entity_declarations(content: str, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.tei.xml"
    hostile.write_text(content, encoding="utf-8")
    gold = tmp_path / "gold.txt"
    gold.write_text("[0]:[0]\n", encoding="utf-8")
    started = time.monotonic()
    result = runner.invoke(app, ["evaluate", str(gold), str(hostile)])
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"paralign: error: {hostile}: declares XML entities; refused (entity expansion is unsafe)"
    )
    assert "root:" not in result.output and "lollol" not in result.output


def test_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    path = tmp_path / "external.xml"
    path.write_text(XXE_PARAMETER, encoding="utf-8")
    tree = parse_untrusted(path)  # parses, without loading the DTD or touching the network
    assert tree.docinfo.system_url == "http://example.invalid/evil.dtd"
    assert tree.docinfo.externalDTD is None


def test_corrections_json_that_is_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "corrected.tsv"
    path.write_text(XXE, encoding="utf-8")
    result = runner.invoke(app, ["export", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.startswith("paralign: error: ") and "root:" not in result.output


def test_malformed_xml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text("<TEI><text>", encoding="utf-8")
    with pytest.raises(InputError, match="is not well-formed XML"):
        parse_untrusted(path)


KILL_SCRIPT = textwrap.dedent(
    """
    import os, pathlib, sys, time
    marker = pathlib.Path(sys.argv[1])
    stage = sys.argv[2]

    def stall(*args, **kwargs):
        marker.touch()
        time.sleep(60)

    if stage == "align":
        import paralign.pipeline
        paralign.pipeline.best_path = stall
    else:
        import paralign.export._xml
        paralign.export._xml.os.fsync = stall
    from paralign.cli import app
    app(sys.argv[3:])
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["align", "export"])
def test_sigterm_leaves_earlier_exports_untouched(stage: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    earlier = {
        name: f"earlier {name}".encode() for name in ("bishkek-protocol.en-es.tmx", "bishkek-protocol.en-es.tei.xml")
    }
    for name, data in earlier.items():
        (out / name).write_bytes(data)
    marker = tmp_path / "stalled"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    process = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(marker), stage, "align", "-q", str(EN), str(ES), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    deadline = time.monotonic() + 240
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never reached the stage"
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.decode().strip() == "paralign: error: interrupted; no export was changed"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == earlier
