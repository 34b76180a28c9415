#!/usr/bin/env python3
"""Markdown and Word give the same findings: each real tender in ../shared/corpus/real is
converted to .docx with pandoc (a Word writer nobody tuned tenderlint to), both are
checked alone, and the rules that fire are compared per document.

    python3 eval/word_parity.py [path/to/tenderlint]    # needs pandoc on PATH

Prints the documents whose rule counts differ and the totals per rule. Differences come
from the conversion (pandoc drops raw HTML tables, renumbers lists), not from reading.
"""

import collections
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "corpus", "real"))
TOOL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "target", "release", "tenderlint")


def rules(path):
    out = subprocess.run(
        [TOOL, "check", "--no-config", "--per-file", "--format", "json", path],
        capture_output=True, text=True, check=False,
    )
    report = json.loads(out.stdout)
    if report["file_errors"]:
        raise SystemExit(f"{path}: {report['file_errors']}")
    return collections.Counter(d["rule"] for d in report["diagnostics"])


def main():
    totals = {"md": collections.Counter(), "docx": collections.Counter()}
    same = documents = 0
    with tempfile.TemporaryDirectory() as tmp:
        for folder, _, names in sorted(os.walk(ROOT)):
            for name in sorted(names):
                if not name.endswith(".md") or name == "SOURCES.md":
                    continue
                md = os.path.join(folder, name)
                docx = os.path.join(tmp, name[:-3] + ".docx")
                subprocess.run(["pandoc", "-f", "gfm", "-t", "docx", md, "-o", docx], check=True, stderr=subprocess.DEVNULL)
                a, b = rules(md), rules(docx)
                documents += 1
                same += a == b
                totals["md"] += a
                totals["docx"] += b
                if a != b:
                    print(f"{os.path.relpath(md, ROOT)}: Markdown only {dict(a - b)}, Word only {dict(b - a)}")
    print(f"{same} of {documents} documents: the same rules, as often, in Markdown and in Word")
    for rule in sorted(set(totals["md"]) | set(totals["docx"])):
        print(f"  {rule:28} Markdown {totals['md'][rule]:4}  Word {totals['docx'][rule]:4}")


if __name__ == "__main__":
    main()
