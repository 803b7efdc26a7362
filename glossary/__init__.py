# Not code: this file lets the glossary ship inside the package as ``bilingual.glossary`` (see
# pyproject.toml), so an installed bilingual finds its TSV files outside a checkout.
