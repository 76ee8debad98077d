"""What the views share to speak HTTP: the error table, negotiation, answers, auth, fair share, RDF pages."""
