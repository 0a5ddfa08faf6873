"""How the review page behaves on a long document: 10,000 beads opened, scrolled and edited in Chromium.

Measured in the browser a reviewer uses (Debian's Chromium through
Playwright, nothing downloaded), on a synthetic pair of 10,000 sentences a
side in paragraphs of five, a note marker every tenth sentence, aligned 1-1
with random confidences (the page does not care how beads were made, so no
model is loaded):

1. the page: its size, and the time from navigation to the load event and to
   the first contentful paint;
2. scrolling: 240 animation frames, each scrolling by 600 px, from the top
   to far down; the frame intervals (median, 95th percentile, worst);
3. edits: each operation 15 times at bead 20 (the worst case: every row after
   it is renumbered) and at bead 9,000, undone after each; the time from the key to the end of
   the handler with layout forced, and to the next frame drawn. The goal is
   under 100 ms.

Run: ``.venv/bin/python benchmarks/editor.py`` (``--beads N`` for another size).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from playwright.sync_api import sync_playwright

from paralign.export.html import write_html
from paralign.footnotes import pair_anchors
from paralign.model import Alignment, Bead
from paralign.read import read_document
from paralign.segment import segment

CHROMIUM = "/usr/bin/chromium"
#: The operations timed: (keys pressed before, the key timed, keys pressed after), so each starts from the same beads.
#: Merge, split, move last source down, move first source up, detach, confirm; undo of a merge, redo of it.
OPERATIONS = (
    ("", "m", "u"),
    ("", "s", "u"),
    ("", "]", "u"),
    ("", "[", "u"),
    ("", "x", "u"),
    ("", "c", "u"),
    ("m", "u", ""),
    ("mu", "r", "u"),
)

_EN = "The delegation of {k} met on day {d} to discuss item {n} of the agenda, and agreed to report back soon."
_ES = "La delegación de {k} se reunió el día {d} para tratar el punto {n} del orden del día y acordó informar pronto."
_COUNTRIES = ("Armenia", "Azerbaijan", "Kyrgyzstan", "Russia", "Georgia", "Iran", "Turkey")

#: Runs in the page: scroll 240 frames and return the intervals between them.
_SCROLL = """async () => {
  const gaps = [];
  let last = performance.now();
  for (let k = 0; k < 240; k++) {
    window.scrollBy(0, 600);
    await new Promise(requestAnimationFrame);
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }
  return gaps;
}"""
#: Runs in the page: at a bead, press ``before`` untimed, ``key`` timed, then ``after`` untimed (to undo it); returns
#: the handler's time (layout forced), the time to the next frame, and what the status line said.
_EDIT = """async ([before, key, after, position]) => {
  const press = (name) => document.dispatchEvent(new KeyboardEvent("keydown", {key: name, bubbles: true}));
  document.querySelector(`tr.bead[data-bead="${position}"]`).click();
  [...before].forEach(press);
  await new Promise(requestAnimationFrame);
  const start = performance.now();
  press(key);
  document.body.getBoundingClientRect();
  const handled = performance.now() - start;
  await new Promise(requestAnimationFrame);
  const framed = performance.now() - start, status = document.getElementById("status").textContent;
  [...after].forEach(press);
  return [handled, framed, status];
}"""


def synthetic(folder: Path, beads: int, rng: np.random.Generator) -> Alignment:
    """``beads`` sentences a side, aligned 1-1; a marker ``[k]`` in both texts every tenth sentence."""
    sides = []
    for lang, template in (("en", _EN), ("es", _ES)):
        paragraphs, sentences = [], []
        for index in range(beads):
            sentence = template.format(k=_COUNTRIES[index % len(_COUNTRIES)], d=index % 28 + 1, n=index)
            if index % 10 == 9:
                sentence += f"[{index // 10 + 1}]"
            sentences.append(sentence)
            if len(sentences) == 5:
                paragraphs.append(" ".join(sentences))
                sentences = []
        paragraphs.append(" ".join(sentences))
        path = folder / f"long.{lang}.txt"
        path.write_text("\n\n".join(p for p in paragraphs if p) + "\n", encoding="utf-8")
        sides.append(segment(read_document(path, lang)))
    source, target = sides
    assert len(source.sentences) == len(target.sentences) == beads, "the synthetic texts did not segment 1-1"
    confidences = np.clip(rng.beta(8, 1, size=beads), 0, 1)
    bead_list = tuple(Bead((i,), (i,), float(c)) for i, c in enumerate(confidences))
    notes = pair_anchors(bead_list, [s.anchors for s in source.sentences], [s.anchors for s in target.sentences])
    return Alignment(source, target, bead_list, notes.pairs, notes.problems)


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):6.1f}  p95 {p95:6.1f}  max {ordered[-1]:6.1f} ms"


def measure(page: Any, html: Path) -> None:
    started = time.perf_counter()
    page.goto(html.as_uri(), wait_until="load", timeout=120_000)
    loaded = time.perf_counter() - started
    paint = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: NaN}).startTime")
    rows = page.evaluate("document.querySelectorAll('tr.bead').length")
    print(f"page: {html.stat().st_size / 2**20:.1f} MB, {rows} rows; load average {os.getloadavg()[0]:.1f}")
    print(f"open: load event after {loaded * 1000:.0f} ms, first contentful paint at {paint:.0f} ms")
    print(f"scroll (240 frames × 600 px): frame interval {summary(page.evaluate(_SCROLL))}")
    page.evaluate("window.scrollTo(0, 0)")
    print("edit (key → handler done, layout forced | → next frame), 15 times each:")
    for position in (20, 9000):
        for before, key, after in OPERATIONS:
            handled, framed = [], []
            for _ in range(15):
                handler_ms, frame_ms, status = page.evaluate(_EDIT, [before, key, after, position])
                assert not status.startswith("refused"), status
                handled.append(handler_ms)
                framed.append(frame_ms)
            print(f"  bead {position:>5} {key!r:>4}: {summary(handled)} | {summary(framed)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--beads", type=int, default=10_000)
    beads = parser.parse_args().beads
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        alignment = synthetic(Path(folder), beads, np.random.default_rng(14))
        html = write_html(alignment, Path(folder) / "long.en-es.review.html")
        print(f"built {beads} beads and the page in {time.perf_counter() - started:.1f} s")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            measure(page, html)
            browser.close()


if __name__ == "__main__":
    main()
