"""The README's front-door examples are real: its tour runs as a doctest and the printed
output of the first command is what the command prints."""

import doctest
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
TEXT = README.read_text()


def test_tour_runs_as_doctest():
    blocks = [b for b in re.findall(r"```python\n(.*?)```", TEXT, re.S) if b.lstrip().startswith(">>>")]
    assert blocks, "the README has a doctest-style tour"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"README tour {i}", str(README), 0)
        assert test.examples
        runner.run(test)
    assert runner.failures == 0, f"{runner.failures} README examples fail (run python -m doctest on them)"


def test_first_command_output_is_the_printed_one():
    m = re.search(r"The first prints:\n\n```\n(.*?)```", TEXT, re.S)
    assert m, "the README shows the first command's output"
    cmd = re.search(r"python -m pip install \. && focaltheory (solve [^\n]*)", TEXT).group(1).split()
    out = subprocess.run([sys.executable, "-m", "focaltheory", *cmd], capture_output=True, text=True,
                         check=True, cwd=README.parent).stdout
    assert out == m.group(1)


def test_readme_stays_a_front_door():
    assert len(TEXT.splitlines()) <= 200
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", TEXT):
        if not target.startswith("http"):
            assert (README.parent / target).exists(), f"README links to a missing {target}"
