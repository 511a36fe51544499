"""Print the commands of the first shell code block under README's "## Quickstart", one a line."""

import re
import sys
from pathlib import Path

text = Path(sys.argv[1]).read_text(encoding="utf-8")
section = text.split("\n## Quickstart", 1)[1]
block = re.search(r"```(?:sh|bash|console|shell)\n(.*?)```", section, re.S)
if block is None:
    sys.exit("no shell code block under ## Quickstart")
for line in block.group(1).strip().splitlines():
    print(line.removeprefix("$ "))
