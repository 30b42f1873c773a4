"""Write README.md from nbs/index.ipynb without Quarto (`nbdev-readme` needs it): hidden cells and
`#|` directives are dropped, figures are left to the docs site."""
from pathlib import Path
import nbformat
from nbconvert import MarkdownExporter

root = Path(__file__).resolve().parents[1]
nb = nbformat.read(root/'nbs'/'index.ipynb', as_version=4)
cells = []
for c in nb.cells:
    if c.cell_type == 'code':
        if '#| hide' in c.source: continue
        c.source = '\n'.join(l for l in c.source.splitlines() if not l.startswith('#|')).strip()
        c.outputs = [o for o in c.get('outputs', []) if not ('data' in o and 'image/png' in o['data'])]
    cells.append(c)
nb.cells = cells
md, _ = MarkdownExporter().from_notebook_node(nb)
(root/'README.md').write_text(md)
print('wrote', root/'README.md')
