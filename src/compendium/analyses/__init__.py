"""One module per document: the analyses its chapter shows, built on stats, phantoms and claims."""
