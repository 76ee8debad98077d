"""Whole-repository checks of the knowledge files: SHACL over data/ and the HermiT reasoner."""
